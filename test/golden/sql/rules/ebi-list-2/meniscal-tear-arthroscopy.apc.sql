(coalesce(left(list_extract(opertn, 1), 3) IN ('W82'), false) AND coalesce(list_extract(diag, 1) IN ('M232', 'M233', 'S832'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
