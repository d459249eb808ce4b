coalesce(left(list_extract(opertn, 1), 3) IN ('H01', 'H02'), false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
