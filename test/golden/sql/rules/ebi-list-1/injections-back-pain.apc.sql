(coalesce(list_extract(opertn, 1) IN ('A521', 'A522', 'A528', 'A529', 'A577', 'A735', 'V544'), false) AND coalesce(list_extract(diag, 1) IN ('M545'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
