(coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('S05', 'S06', 'S08', 'S09', 'S10', 'S11'))) > 0, false) AND coalesce(len(list_filter(diag, x -> (x IN ('D170', 'D171', 'D172', 'D173', 'B081', 'L918', 'I781', 'H026', 'D361') OR left(x, 3) IN ('D22', 'D23', 'L72', 'L82', 'B07', 'L84')))) > 0, false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
