# Runs at install time (cmake --install, cpack) and installs the headless server's
# system files for the prefix being installed to: the systemd unit, and the
# settings file it reads. As GNUInstallDirs has it, the prefix /usr keeps its
# settings in /etc, any other prefix in <prefix>/etc.
# Set by the caller: ADSERVE_INSTALLER_DIR, ADSERVE_INSTALLER_STAGING, ADSERVE_BINDIR.

string(REGEX REPLACE "(.)/+$" "\\1" prefix "${CMAKE_INSTALL_PREFIX}")
if(prefix STREQUAL "/usr")
  set(etc "/etc")
else()
  set(etc "${prefix}/etc")
endif()

set(ADSERVE_EXECUTABLE "${prefix}/${ADSERVE_BINDIR}/adserve")
set(ADSERVE_ENV_FILE "${etc}/adserve/adserve.env")

# One staging folder per prefix: a cpack and a cmake --install may run at once.
string(MD5 prefix_key "${prefix}")
set(staged "${ADSERVE_INSTALLER_STAGING}/${prefix_key}/adserve.service")
configure_file("${ADSERVE_INSTALLER_DIR}/systemd/adserve.service.in" "${staged}" @ONLY)

file(INSTALL "${staged}" DESTINATION "${prefix}/lib/systemd/system"
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
file(INSTALL "${ADSERVE_INSTALLER_DIR}/config/adserve.env" DESTINATION "${etc}/adserve"
  PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
