(coalesce(len(list_filter(opertn, x -> x IN ('Q103', 'Q108', 'Q109'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('N920', 'N921', 'N924'))) > 0, false))
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
