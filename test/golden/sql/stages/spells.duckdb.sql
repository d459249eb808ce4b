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
              min_by({'start_date': start_date, 'age': age, 'sex': sex, 'ethnos': ethnos, 'imd_decile': imd_decile, 'procode': procode, 'sub_icb': sub_icb}, (start_date, record_key)) AS first
       FROM matched GROUP BY ALL
     )
     SELECT intervention_id, setting, spell_id,
            date_trunc('month', first.start_date)::DATE AS month,
            CASE WHEN first.age IS NULL THEN NULL ELSE least(first.age // 5 * 5, 90) END AS age_band,
            first.sex AS sex, first.ethnos AS ethnos, first.imd_decile AS imd_decile,
            first.procode AS provider, first.sub_icb AS sub_icb
     FROM firsts
