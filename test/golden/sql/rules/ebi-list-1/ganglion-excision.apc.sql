(coalesce(list_extract(opertn, 1) IN ('T591', 'T592', 'T601', 'T602'), false) AND coalesce(list_extract(diag, 1) IN ('M674'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
