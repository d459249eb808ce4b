(coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('C12'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('H001'))) > 0, false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
