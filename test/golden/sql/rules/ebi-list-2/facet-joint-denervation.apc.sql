(coalesce(list_extract(opertn, 1) IN ('V485', 'V487'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z675', 'Z676', 'Z677', 'Z993'))) > 0, false) AND coalesce(list_extract(diag, 1) IN ('M512', 'M518', 'M519', 'M545', 'M549'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
