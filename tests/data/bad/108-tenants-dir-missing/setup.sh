# A typo in tenants_dir must not look like "no tenants, all fine".
rmdir tenants.d
