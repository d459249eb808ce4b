SELECT intervention_id, month, provider, sub_icb, setting, age_band, sex, imd_decile, ethnos, count(*) AS spells
     FROM spells GROUP BY intervention_id, month, provider, sub_icb, setting, age_band, sex, imd_decile, ethnos
