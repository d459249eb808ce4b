(coalesce((list_extract(opertn, 1) IN ('M641', 'M661', 'M662', 'M681', 'M683', 'M704', 'M711', 'M718', 'M719') OR left(list_extract(opertn, 1), 3) IN ('M61', 'M65')), false) AND coalesce(left(list_extract(diag, 1), 3) IN ('N40'), false))
    AND NOT coalesce(len(list_filter(diag, x -> left(x, 3) IN ('N13', 'N17', 'N18', 'N19'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND sex = '1'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
