(coalesce(list_extract(opertn, 1) IN ('D151'), false) AND coalesce((list_extract(diag, 1) IN ('H652', 'H653', 'H654', 'H659') OR left(list_extract(diag, 1), 3) IN ('H66')), false))
    AND coalesce(age <= 11, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
