(coalesce(left(list_extract(opertn, 1), 3) IN ('J18'), false) AND coalesce(list_extract(diag, 1) IN ('K851', 'K800', 'K810'), false))
    AND coalesce(age >= 19, false)
    AND NOT cancer_in_spell
