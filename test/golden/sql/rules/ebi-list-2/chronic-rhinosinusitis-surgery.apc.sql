(coalesce(len(list_filter(opertn, x -> (x IN ('E081', 'E641') OR left(x, 3) IN ('E12', 'E13', 'E14', 'E15', 'E16', 'E17')))) > 0, false) AND coalesce(len(list_filter(opertn, x -> x IN ('Y761', 'Y762'))) > 0, false) AND coalesce(left(list_extract(diag, 1), 3) IN ('J32', 'J33'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
