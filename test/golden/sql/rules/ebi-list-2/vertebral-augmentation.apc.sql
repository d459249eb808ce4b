(coalesce(list_extract(opertn, 1) IN ('V444', 'V445'), false) AND coalesce(list_extract(diag, 1) IN ('M800', 'M801', 'M802', 'M803', 'M804', 'M805', 'M808', 'M809'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
