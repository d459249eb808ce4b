coalesce(len(list_filter(opertn, x -> x IN ('B311'))) > 0, false)
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
