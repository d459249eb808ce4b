(coalesce(list_extract(opertn, 1) IN ('T691', 'T692', 'T698', 'T699', 'T701', 'T702', 'T711', 'T718', 'T719', 'T723', 'T728', 'T729'), false) AND coalesce(list_extract(diag, 1) IN ('M653'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
