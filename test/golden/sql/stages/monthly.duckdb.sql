WITH counts AS (
       SELECT 'england' AS level, 'ENG' AS org_code, intervention_id, month, sum(spells) AS value
         FROM cube s LEFT JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'region' AS level, m.region AS org_code, intervention_id, month, sum(spells) AS value
         FROM cube s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'icb' AS level, m.icb AS org_code, intervention_id, month, sum(spells) AS value
         FROM cube s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
UNION ALL
SELECT 'sub_icb' AS level, m.sub_icb AS org_code, intervention_id, month, sum(spells) AS value
         FROM cube s  JOIN org_map m ON m.sub_icb = s.sub_icb
         GROUP BY ALL
       UNION ALL
       SELECT 'provider', provider, intervention_id, month, sum(spells) FROM cube WHERE provider IS NOT NULL GROUP BY ALL
     ), orgs AS (
       SELECT 'england' AS level, 'ENG' AS org_code UNION ALL
       SELECT level, code FROM ref_organisations WHERE level IN ('region', 'icb', 'sub_icb') UNION ALL
       SELECT DISTINCT 'provider', provider FROM cube WHERE provider IS NOT NULL
     )
     SELECT i.intervention_id, o.level, o.org_code, strftime(m.month, '%Y-%m-%d') AS month, coalesce(c.value, 0)::BIGINT AS spells
     FROM build_interventions i CROSS JOIN orgs o CROSS JOIN build_months m
     LEFT JOIN counts c ON c.intervention_id = i.intervention_id AND c.level = o.level AND c.org_code = o.org_code
                       AND c.month = m.month
     ORDER BY 1, 2, 3, 4
