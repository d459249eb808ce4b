(coalesce(len(list_filter(opertn, x -> x IN ('E201', 'E204', 'E208', 'E209'))) > 0, false) AND coalesce(len(list_filter(opertn, x -> x IN ('D151'))) > 0, false) AND coalesce(list_extract(diag, 1) IN ('H652', 'H653', 'H654', 'H659'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> (x IN ('G473', 'J352') OR left(x, 3) IN ('J32', 'Q35', 'Q37')))) > 0, false)
    AND coalesce(age <= 18, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
