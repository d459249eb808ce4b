(coalesce(list_extract(opertn, 1) IN ('L841', 'L842', 'L843', 'L844', 'L845', 'L846', 'L848', 'L849', 'L851', 'L852', 'L853', 'L858', 'L859', 'L861', 'L862', 'L863', 'L868', 'L869', 'L871', 'L872', 'L873', 'L874', 'L875', 'L876', 'L877', 'L878', 'L879', 'L881', 'L882', 'L883', 'L888', 'L889'), false) AND coalesce(left(list_extract(diag, 1), 3) IN ('I83'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
