# Read by cpack once per generator (CPACK_PROJECT_CONFIG_FILE).
if(CPACK_GENERATOR STREQUAL "TGZ")
  # The archive holds the same tree as the .deb (usr/..., etc/adserve/...): the
  # executables find the engine library and the cache plugins by relative paths,
  # so it runs wherever it is unpacked.
  set(CPACK_SET_DESTDIR ON)
  set(CPACK_INSTALL_PREFIX /usr)
endif()
