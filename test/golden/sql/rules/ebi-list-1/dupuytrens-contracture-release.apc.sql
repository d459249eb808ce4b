(coalesce(list_extract(opertn, 1) IN ('T521', 'T522', 'T525', 'T526', 'T541', 'T543'), false) AND coalesce(list_extract(diag, 1) IN ('M720'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
