(coalesce(list_extract(opertn, 1) IN ('F324', 'F325', 'F326'), false) AND coalesce(list_extract(diag, 1) IN ('R065'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> x IN ('G473'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
