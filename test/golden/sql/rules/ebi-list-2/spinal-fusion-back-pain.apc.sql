(coalesce(list_extract(opertn, 1) IN ('V382', 'V383', 'V384', 'V385', 'V386', 'V393', 'V394', 'V395', 'V396', 'V397', 'V404'), false) AND coalesce(list_extract(diag, 1) IN ('M543', 'M544', 'M545', 'M548', 'M549'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> (x IN ('M400', 'M401', 'M402', 'M430', 'M431', 'M435', 'M438', 'M439') OR left(x, 3) IN ('M41', 'M42', 'M45')))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
