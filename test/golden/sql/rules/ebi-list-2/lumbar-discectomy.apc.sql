((coalesce((list_extract(opertn, 1) IN ('V511', 'V518', 'V519', 'V583', 'V603') OR left(list_extract(opertn, 1), 3) IN ('V33')), false) OR (coalesce(list_extract(opertn, 1) IN ('V521', 'V522', 'V525', 'V528', 'V529', 'V588', 'V589', 'V608', 'V609'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z993'))) > 0, false))) AND coalesce(list_extract(diag, 1) IN ('M510', 'M511', 'M541', 'M543', 'M544'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
