(coalesce(list_extract(opertn, 1) IN ('H511', 'H512', 'H513', 'H518', 'H519'), false) AND coalesce(len(list_filter(diag, x -> (x IN ('O224', 'O872') OR left(x, 3) IN ('K64')))) > 0, false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
