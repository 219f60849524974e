# Chart and HTML report tests (label "charts"; the browser test also "chromium"):
#  - charts.xml: every report type written with --svg and --html; each SVG
#    parsed by python3's xml.dom.minidom, each page by html.parser and checked
#    to be self-contained (no script, no network reference);
#  - charts.chromium: each page opened in headless Chromium, a 1200x1600
#    screenshot taken into build/screenshots/ (out of git; CI keeps them as
#    logs) and checked: right size, not blank, the charts' colours on it.
#    Skipped (exit 77) when Chromium is not installed.
find_program(PYTHON3 python3)
if(PYTHON3)
  set(CHARTS_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/charts)
  add_test(NAME charts.xml
           COMMAND ${PYTHON3} ${CHARTS_TEST_DIR}/check_charts.py xml $<TARGET_FILE:mlxplan>
                   ${CMAKE_CURRENT_BINARY_DIR}/charts-out)
  set_tests_properties(charts.xml PROPERTIES LABELS "charts" TIMEOUT 120)
  add_test(NAME charts.chromium
           COMMAND ${PYTHON3} ${CHARTS_TEST_DIR}/check_charts.py chromium
                   $<TARGET_FILE:mlxplan> ${CMAKE_BINARY_DIR}/screenshots)
  set_tests_properties(charts.chromium PROPERTIES LABELS "charts;chromium"
    SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
