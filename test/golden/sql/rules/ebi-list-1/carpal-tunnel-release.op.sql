(coalesce(list_extract(opertn, 1) IN ('A651', 'A659'), false) AND coalesce(list_extract(diag, 1) IN ('G560'), false))
    AND coalesce(age >= 19, false)
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
