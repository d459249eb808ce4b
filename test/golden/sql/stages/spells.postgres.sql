WITH matched AS (
       SELECT f.intervention_id, f.setting, f.count_key AS spell_id,
              coalesce(e.admidate, e.epistart) AS start_date, f.record_key,
              e.age, e.sex, e.ethnos, e.imd_decile, e.procode, e.sub_icb
       FROM episode_flags f JOIN apc_episodes e ON e.load_id = f.load_id AND e.source_row = f.source_row
       WHERE f.setting = 'apc'
       UNION ALL
       SELECT f.intervention_id, f.setting, f.count_key, o.apptdate, f.record_key,
              o.age, o.sex, o.ethnos, o.imd_decile, o.procode, o.sub_icb
       FROM episode_flags f JOIN op_appointments o ON o.load_id = f.load_id AND o.source_row = f.source_row
       WHERE f.setting = 'op'
     ), firsts AS (
       SELECT intervention_id, setting, spell_id,
              (array_agg(start_date ORDER BY start_date, record_key))[1] AS first_start_date, (array_agg(age ORDER BY start_date, record_key))[1] AS first_age, (array_agg(sex ORDER BY start_date, record_key))[1] AS first_sex, (array_agg(ethnos ORDER BY start_date, record_key))[1] AS first_ethnos, (array_agg(imd_decile ORDER BY start_date, record_key))[1] AS first_imd_decile, (array_agg(procode ORDER BY start_date, record_key))[1] AS first_procode, (array_agg(sub_icb ORDER BY start_date, record_key))[1] AS first_sub_icb
       FROM matched GROUP BY intervention_id, setting, spell_id
     )
     SELECT intervention_id, setting, spell_id,
            date_trunc('month', first_start_date)::DATE AS month,
            CASE WHEN first_age IS NULL THEN NULL ELSE least((first_age / 5) * 5, 90) END AS age_band,
            first_sex AS sex, first_ethnos AS ethnos, first_imd_decile AS imd_decile,
            first_procode AS provider, first_sub_icb AS sub_icb
     FROM firsts
