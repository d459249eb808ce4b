WITH period AS (SELECT * FROM cube WHERE month BETWEEN $start::DATE AND $end::DATE)
     SELECT level, org_code, intervention_id, imd_decile, age_band, sex, ethnos, value::BIGINT AS spells
     FROM (SELECT 'england' AS level, 'ENG' AS org_code, intervention_id, imd_decile, age_band, sex, ethnos, sum(spells) AS value
         FROM period s LEFT JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'region' AS level, m.region AS org_code, intervention_id, imd_decile, age_band, sex, ethnos, sum(spells) AS value
         FROM period s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'icb' AS level, m.icb AS org_code, intervention_id, imd_decile, age_band, sex, ethnos, sum(spells) AS value
         FROM period s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'sub_icb' AS level, m.sub_icb AS org_code, intervention_id, imd_decile, age_band, sex, ethnos, sum(spells) AS value
         FROM period s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL)
