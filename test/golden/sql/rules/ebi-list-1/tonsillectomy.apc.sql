(coalesce(len(list_filter(opertn, x -> x IN ('F341', 'F342', 'F343', 'F344', 'F345', 'F346', 'F347', 'F348', 'F349', 'F361'))) > 0, false) AND coalesce(len(list_filter(diag, x -> (x IN ('J350') OR left(x, 3) IN ('J03')))) > 0, false))
    AND NOT coalesce(len(list_filter(diag, x -> (x IN ('G473', 'J390') OR left(x, 3) IN ('J36')))) > 0, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
