coalesce(list_extract(opertn, 1) IN ('H221', 'H228', 'H229', 'H682', 'H684', 'H688', 'H689'), false)
    AND NOT coalesce(len(list_filter(opertn, x -> x IN ('H681', 'H683'))) > 0, false)
    AND NOT coalesce(len(list_filter(diag, x -> x IN ('D126', 'Q858', 'Z080', 'Z081', 'Z082', 'Z087', 'Z088', 'Z089', 'Z090', 'Z091', 'Z092', 'Z097', 'Z098', 'Z099', 'Z121'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
