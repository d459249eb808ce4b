(coalesce(list_extract(opertn, 1) IN ('M455', 'M458', 'M459'), false) AND coalesce(len(list_filter(diag, x -> (x IN ('N390', 'R398') OR left(x, 3) IN ('R31')))) > 0, false))
    AND NOT coalesce(len(list_filter(opertn[2:], x -> x IN ('M451', 'M452', 'M453', 'M454'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND sex = '1'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
