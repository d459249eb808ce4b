SELECT 'apc' AS setting, epikey AS record_key, load_id, source_row, spell_id, spell_id AS count_key, unnest(list_filter([CASE WHEN (coalesce(list_extract(opertn, 1) IN ('F324', 'F325', 'F326'), false) AND coalesce(list_extract(diag, 1) IN ('R065'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> x IN ('G473'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/snoring-surgery' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> x IN ('Q103', 'Q108', 'Q109'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('N920', 'N921', 'N924'))) > 0, false))
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/dc-heavy-menstrual-bleeding' END,
CASE WHEN ((coalesce(list_extract(opertn, 1) IN ('W851', 'W852'), false) OR (coalesce(list_extract(opertn, 1) IN ('W802'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Y767'))) > 0, false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z846'))) > 0, false))) AND coalesce(left(list_extract(diag, 1), 3) IN ('M15', 'M17'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> x IN ('M238'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/knee-arthroscopy-osteoarthritis' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('A521', 'A522', 'A528', 'A529', 'A577', 'A735', 'V544'), false) AND coalesce(list_extract(diag, 1) IN ('M545'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/injections-back-pain' END,
CASE WHEN coalesce(len(list_filter(opertn, x -> x IN ('B311'))) > 0, false)
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/breast-reduction' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('S05', 'S06', 'S08', 'S09', 'S10', 'S11'))) > 0, false) AND coalesce(len(list_filter(diag, x -> (x IN ('D170', 'D171', 'D172', 'D173', 'B081', 'L918', 'I781', 'H026', 'D361') OR left(x, 3) IN ('D22', 'D23', 'L72', 'L82', 'B07', 'L84')))) > 0, false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/benign-skin-lesions' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('D151'), false) AND coalesce((list_extract(diag, 1) IN ('H652', 'H653', 'H654', 'H659') OR left(list_extract(diag, 1), 3) IN ('H66')), false))
    AND coalesce(age <= 11, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/grommets-glue-ear' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> x IN ('F341', 'F342', 'F343', 'F344', 'F345', 'F346', 'F347', 'F348', 'F349', 'F361'))) > 0, false) AND coalesce(len(list_filter(diag, x -> (x IN ('J350') OR left(x, 3) IN ('J03')))) > 0, false))
    AND NOT coalesce(len(list_filter(diag, x -> (x IN ('G473', 'J390') OR left(x, 3) IN ('J36')))) > 0, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/tonsillectomy' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('H511', 'H512', 'H513', 'H518', 'H519'), false) AND coalesce(len(list_filter(diag, x -> (x IN ('O224', 'O872') OR left(x, 3) IN ('K64')))) > 0, false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/haemorrhoid-surgery' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('Q07', 'Q08'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('N920', 'N921', 'N924'))) > 0, false))
    AND sex = '2'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/hysterectomy-heavy-menstrual-bleeding' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('C12'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('H001'))) > 0, false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/chalazia-removal' END,
CASE WHEN (((coalesce(list_extract(opertn, 1) IN ('O291'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Y767'))) > 0, false)) OR (coalesce(list_extract(opertn, 1) IN ('W572', 'W844'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z812'))) > 0, false))) AND coalesce(len(list_filter(diag, x -> x IN ('M754'))) > 0, false))
    AND NOT coalesce(len(list_filter(diag, x -> x IN ('M751'))) > 0, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/shoulder-decompression' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('A651', 'A659'), false) AND coalesce(list_extract(diag, 1) IN ('G560'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/carpal-tunnel-release' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('T521', 'T522', 'T525', 'T526', 'T541', 'T543'), false) AND coalesce(list_extract(diag, 1) IN ('M720'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/dupuytrens-contracture-release' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('T591', 'T592', 'T601', 'T602'), false) AND coalesce(list_extract(diag, 1) IN ('M674'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/ganglion-excision' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('T691', 'T692', 'T698', 'T699', 'T701', 'T702', 'T711', 'T718', 'T719', 'T723', 'T728', 'T729'), false) AND coalesce(list_extract(diag, 1) IN ('M653'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/trigger-finger-release' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('L841', 'L842', 'L843', 'L844', 'L845', 'L846', 'L848', 'L849', 'L851', 'L852', 'L853', 'L858', 'L859', 'L861', 'L862', 'L863', 'L868', 'L869', 'L871', 'L872', 'L873', 'L874', 'L875', 'L876', 'L877', 'L878', 'L879', 'L881', 'L882', 'L883', 'L888', 'L889'), false) AND coalesce(left(list_extract(diag, 1), 3) IN ('I83'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-1/varicose-vein-interventions' END,
CASE WHEN coalesce(left(list_extract(opertn, 1), 3) IN ('H01', 'H02'), false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/appendicectomy-without-confirmation' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> x IN ('E201', 'E204', 'E208', 'E209'))) > 0, false) AND coalesce(len(list_filter(opertn, x -> x IN ('D151'))) > 0, false) AND coalesce(list_extract(diag, 1) IN ('H652', 'H653', 'H654', 'H659'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> (x IN ('G473', 'J352') OR left(x, 3) IN ('J32', 'Q35', 'Q37')))) > 0, false)
    AND coalesce(age <= 18, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/adenoidectomy-glue-ear' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> (x IN ('E081', 'E641') OR left(x, 3) IN ('E12', 'E13', 'E14', 'E15', 'E16', 'E17')))) > 0, false) AND coalesce(len(list_filter(opertn, x -> x IN ('Y761', 'Y762'))) > 0, false) AND coalesce(left(list_extract(diag, 1), 3) IN ('J32', 'J33'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/chronic-rhinosinusitis-surgery' END,
CASE WHEN (coalesce(left(list_extract(opertn, 1), 3) IN ('J18'), false) AND coalesce(list_extract(diag, 1) IN ('K851', 'K800', 'K810'), false))
    AND coalesce(age >= 19, false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/cholecystectomy' END,
CASE WHEN (coalesce(left(list_extract(opertn, 1), 3) IN ('T20'), false) AND coalesce(list_extract(diag, 1) IN ('K402', 'K409'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/inguinal-hernia-repair' END,
CASE WHEN coalesce(list_extract(opertn, 1) IN ('H221', 'H228', 'H229', 'H682', 'H684', 'H688', 'H689'), false)
    AND NOT coalesce(len(list_filter(opertn, x -> x IN ('H681', 'H683'))) > 0, false)
    AND NOT coalesce(len(list_filter(diag, x -> x IN ('D126', 'Q858', 'Z080', 'Z081', 'Z082', 'Z087', 'Z088', 'Z089', 'Z090', 'Z091', 'Z092', 'Z097', 'Z098', 'Z099', 'Z121'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/appropriate-colonoscopy' END,
CASE WHEN coalesce(list_extract(opertn, 1) IN ('G161', 'G162', 'G163', 'G168', 'G169', 'G191', 'G192', 'G198', 'G199', 'G451', 'G452', 'G453', 'G454', 'G458', 'G459', 'G551', 'G558', 'G559', 'G651', 'G658', 'G659', 'G801', 'G803', 'G808', 'G809'), false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/upper-gi-endoscopy' END,
CASE WHEN (coalesce(left(list_extract(opertn, 1), 3) IN ('W82'), false) AND coalesce(list_extract(diag, 1) IN ('M232', 'M233', 'S832'), false))
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/meniscal-tear-arthroscopy' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('V382', 'V383', 'V384', 'V385', 'V386', 'V393', 'V394', 'V395', 'V396', 'V397', 'V404'), false) AND coalesce(list_extract(diag, 1) IN ('M543', 'M544', 'M545', 'M548', 'M549'), false))
    AND NOT coalesce(len(list_filter(diag[2:], x -> (x IN ('M400', 'M401', 'M402', 'M430', 'M431', 'M435', 'M438', 'M439') OR left(x, 3) IN ('M41', 'M42', 'M45')))) > 0, false)
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/spinal-fusion-back-pain' END,
CASE WHEN ((coalesce((list_extract(opertn, 1) IN ('V511', 'V518', 'V519', 'V583', 'V603') OR left(list_extract(opertn, 1), 3) IN ('V33')), false) OR (coalesce(list_extract(opertn, 1) IN ('V521', 'V522', 'V525', 'V528', 'V529', 'V588', 'V589', 'V608', 'V609'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z993'))) > 0, false))) AND coalesce(list_extract(diag, 1) IN ('M510', 'M511', 'M541', 'M543', 'M544'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/lumbar-discectomy' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('V485', 'V487'), false) AND coalesce(len(list_filter(opertn[2:], x -> x IN ('Z675', 'Z676', 'Z677', 'Z993'))) > 0, false) AND coalesce(list_extract(diag, 1) IN ('M512', 'M518', 'M519', 'M545', 'M549'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/facet-joint-denervation' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('V444', 'V445'), false) AND coalesce(list_extract(diag, 1) IN ('M800', 'M801', 'M802', 'M803', 'M804', 'M805', 'M808', 'M809'), false))
    AND coalesce(age >= 19, false)
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/vertebral-augmentation' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('M455', 'M458', 'M459'), false) AND coalesce(len(list_filter(diag, x -> (x IN ('N390', 'R398') OR left(x, 3) IN ('R31')))) > 0, false))
    AND NOT coalesce(len(list_filter(opertn[2:], x -> x IN ('M451', 'M452', 'M453', 'M454'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND sex = '1'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/cystoscopy-luts' END,
CASE WHEN (coalesce((list_extract(opertn, 1) IN ('M641', 'M661', 'M662', 'M681', 'M683', 'M704', 'M711', 'M718', 'M719') OR left(list_extract(opertn, 1), 3) IN ('M61', 'M65')), false) AND coalesce(left(list_extract(diag, 1), 3) IN ('N40'), false))
    AND NOT coalesce(len(list_filter(diag, x -> left(x, 3) IN ('N13', 'N17', 'N18', 'N19'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND sex = '1'
    AND NOT coalesce(admimeth LIKE '2%', false)
    AND NOT cancer_in_spell
  THEN 'ebi-list-2/bph-surgery' END], x -> x IS NOT NULL)) AS intervention_id
FROM (
  SELECT *, coalesce(len(list_filter(diag, x -> (x >= 'C00' AND x < 'C98') OR (x >= 'D00' AND x < 'D10') OR (x >= 'D37' AND x < 'D49'))) > 0, false) AS cancer_in_spell
  FROM (SELECT spell_id, by_dominance[1].load_id AS load_id, by_dominance[1].source_row AS source_row,
    by_dominance[1].epikey AS epikey, by_start[1].age AS age, by_start[1].sex AS sex,
    by_start[1].admimeth AS admimeth,
    flatten(list_transform(by_start, x -> x.diag)) AS diag,
    flatten(list_transform(by_dominance, x -> x.opertn)) AS opertn
  FROM (
    SELECT spell_id, list_sort(episodes) AS by_dominance,
      list_sort(list_transform(episodes, x -> {'epistart': x.epistart, 'epikey': x.epikey, 'age': x.age,
        'sex': x.sex, 'admimeth': x.admimeth, 'diag': x.diag})) AS by_start
    FROM (
      SELECT spell_id, list({'no_procedure': coalesce(len(opertn), 0) = 0, 'epistart': epistart, 'epikey': epikey,
        'load_id': load_id, 'source_row': source_row, 'age': age, 'sex': sex, 'admimeth': admimeth,
        'diag': coalesce(diag, []), 'opertn': coalesce(opertn, [])}) AS episodes
      FROM "apc_episodes"
      WHERE spell_id IN (SELECT spell_id FROM "apc_episodes" WHERE (coalesce(len(list_filter(opertn, x -> (x >= 'A52' AND x < 'A53') OR (x >= 'A57' AND x < 'A58') OR (x >= 'A65' AND x < 'A66') OR (x >= 'A73' AND x < 'A74') OR (x >= 'B31' AND x < 'B32') OR (x >= 'C12' AND x < 'C13') OR (x >= 'D15' AND x < 'D16') OR (x >= 'E08' AND x < 'E09') OR (x >= 'E12' AND x < 'E18') OR (x >= 'E20' AND x < 'E21') OR (x >= 'E64' AND x < 'E65') OR (x >= 'F32' AND x < 'F33') OR (x >= 'F34' AND x < 'F35') OR (x >= 'F36' AND x < 'F37') OR (x >= 'G16' AND x < 'G17') OR (x >= 'G19' AND x < 'G20') OR (x >= 'G45' AND x < 'G46') OR (x >= 'G55' AND x < 'G56') OR (x >= 'G65' AND x < 'G66') OR (x >= 'G80' AND x < 'G81') OR (x >= 'H01' AND x < 'H03') OR (x >= 'H22' AND x < 'H23') OR (x >= 'H51' AND x < 'H52') OR (x >= 'H68' AND x < 'H69') OR (x >= 'J18' AND x < 'J19') OR (x >= 'L84' AND x < 'L89') OR (x >= 'M45' AND x < 'M46') OR (x >= 'M61' AND x < 'M62') OR (x >= 'M64' AND x < 'M67') OR (x >= 'M68' AND x < 'M69') OR (x >= 'M70' AND x < 'M72') OR (x >= 'O29' AND x < 'O30') OR (x >= 'Q07' AND x < 'Q09') OR (x >= 'Q10' AND x < 'Q11') OR (x >= 'S05' AND x < 'S07') OR (x >= 'S08' AND x < 'S12') OR (x >= 'T20' AND x < 'T21') OR (x >= 'T52' AND x < 'T53') OR (x >= 'T54' AND x < 'T55') OR (x >= 'T59' AND x < 'T61') OR (x >= 'T69' AND x < 'T73') OR (x >= 'V33' AND x < 'V34') OR (x >= 'V38' AND x < 'V41') OR (x >= 'V44' AND x < 'V45') OR (x >= 'V48' AND x < 'V49') OR (x >= 'V51' AND x < 'V53') OR (x >= 'V54' AND x < 'V55') OR (x >= 'V58' AND x < 'V59') OR (x >= 'V60' AND x < 'V61') OR (x >= 'W57' AND x < 'W58') OR (x >= 'W80' AND x < 'W81') OR (x >= 'W82' AND x < 'W83') OR (x >= 'W84' AND x < 'W86'))) > 0, false)))
      GROUP BY spell_id
    )
  ))
)
UNION ALL
SELECT 'op' AS setting, attendkey AS record_key, load_id, source_row, attendkey AS spell_id, attendkey AS count_key, unnest(list_filter([CASE WHEN (coalesce(list_extract(opertn, 1) IN ('A521', 'A522', 'A528', 'A529', 'A577', 'A735', 'V544'), false) AND coalesce(list_extract(diag, 1) IN ('M545'), false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/injections-back-pain' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('S05', 'S06', 'S08', 'S09', 'S10', 'S11'))) > 0, false) AND coalesce(len(list_filter(diag, x -> (x IN ('D170', 'D171', 'D172', 'D173', 'B081', 'L918', 'I781', 'H026', 'D361') OR left(x, 3) IN ('D22', 'D23', 'L72', 'L82', 'B07', 'L84')))) > 0, false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/benign-skin-lesions' END,
CASE WHEN (coalesce(len(list_filter(opertn, x -> left(x, 3) IN ('C12'))) > 0, false) AND coalesce(len(list_filter(diag, x -> x IN ('H001'))) > 0, false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/chalazia-removal' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('A651', 'A659'), false) AND coalesce(list_extract(diag, 1) IN ('G560'), false))
    AND coalesce(age >= 19, false)
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/carpal-tunnel-release' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('T691', 'T692', 'T698', 'T699', 'T701', 'T702', 'T711', 'T718', 'T719', 'T723', 'T728', 'T729'), false) AND coalesce(list_extract(diag, 1) IN ('M653'), false))
    AND coalesce(age >= 19, false)
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/trigger-finger-release' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('L841', 'L842', 'L843', 'L844', 'L845', 'L846', 'L848', 'L849', 'L851', 'L852', 'L853', 'L858', 'L859', 'L861', 'L862', 'L863', 'L868', 'L869', 'L871', 'L872', 'L873', 'L874', 'L875', 'L876', 'L877', 'L878', 'L879', 'L881', 'L882', 'L883', 'L888', 'L889'), false) AND coalesce(left(list_extract(diag, 1), 3) IN ('I83'), false))
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-1/varicose-vein-interventions' END,
CASE WHEN (coalesce(list_extract(opertn, 1) IN ('M455', 'M458', 'M459'), false) AND coalesce(len(list_filter(diag, x -> (x IN ('N390', 'R398') OR left(x, 3) IN ('R31')))) > 0, false))
    AND NOT coalesce(len(list_filter(opertn[2:], x -> x IN ('M451', 'M452', 'M453', 'M454'))) > 0, false)
    AND coalesce(age >= 19, false)
    AND sex = '1'
    AND NOT cancer_in_spell
    AND attended IN ('5', '6')
  THEN 'ebi-list-2/cystoscopy-luts' END], x -> x IS NOT NULL)) AS intervention_id
FROM (SELECT *, coalesce(len(list_filter(diag, x -> (x >= 'C00' AND x < 'C98') OR (x >= 'D00' AND x < 'D10') OR (x >= 'D37' AND x < 'D49'))) > 0, false) AS cancer_in_spell FROM "op_appointments" WHERE (coalesce(len(list_filter(opertn, x -> (x >= 'A52' AND x < 'A53') OR (x >= 'A57' AND x < 'A58') OR (x >= 'A65' AND x < 'A66') OR (x >= 'A73' AND x < 'A74') OR (x >= 'C12' AND x < 'C13') OR (x >= 'L84' AND x < 'L89') OR (x >= 'M45' AND x < 'M46') OR (x >= 'S05' AND x < 'S07') OR (x >= 'S08' AND x < 'S12') OR (x >= 'T69' AND x < 'T73') OR (x >= 'V54' AND x < 'V55'))) > 0, false)))
