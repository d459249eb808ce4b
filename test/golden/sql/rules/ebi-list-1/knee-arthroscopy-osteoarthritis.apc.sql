((coalesce(list_extract(opertn, 1) IN ('W851', 'W852'), false) OR (coalesce(list_extract(opertn, 1) IN ('W802'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Y767'))) > 0, false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z846'))) > 0, false))) AND coalesce(left(list_extract(diag, 1), 3) IN ('M15', 'M17'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> x IN ('M238'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
