(coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('Q07', 'Q08'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('N920', 'N921', 'N924'))) > 0, false))
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
