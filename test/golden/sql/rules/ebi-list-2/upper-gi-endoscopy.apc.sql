coalesce(list_extract(opertn, 1) IN ('G161', 'G162', 'G163', 'G168', 'G169', 'G191', 'G192', 'G198', 'G199', 'G451', 'G452', 'G453', 'G454', 'G458', 'G459', 'G551', 'G558', 'G559', 'G651', 'G658', 'G659', 'G801', 'G803', 'G808', 'G809'), false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
