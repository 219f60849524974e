# Chart and HTML report tests (label "charts"; the browser test also "chromium"):
#  - charts.xml: every report type written with --svg and --html; each SVG
#    parsed by python3's xml.dom.minidom, each page by html.parser and checked
#    to be self-contained (no script, no network reference);
#  - charts.chromium: each page opened in headless Chromium, a 1200x1600
#    screenshot taken into build/screenshots/ (out of git; CI keeps them as
#    logs) and checked: right size, not blank, the charts' colours on it.
#    Skipped (exit 77) when Chromium is not installed;
#  - charts.plan_html: every plan of the golden corpus written with --json
#    and --html; the page holds every typed value of the JSON (as <data>
#    with its value, unit, name, label and basis) and every item's words,
#    in order, with no Markdown left (check_plan_html.py).
find_program(PYTHON3 python3)
if(PYTHON3)
  set(CHARTS_TEST_DIR ${CMAKE_CURRENT_SOURCE_DIR}/charts)
  add_test(NAME charts.xml
           COMMAND ${PYTHON3} ${CHARTS_TEST_DIR}/check_charts.py xml $<TARGET_FILE:mlxplan>
                   ${CMAKE_CURRENT_BINARY_DIR}/charts-out)
  set_tests_properties(charts.xml PROPERTIES LABELS "charts" TIMEOUT 120)
  add_test(NAME charts.plan_html
           COMMAND ${PYTHON3} ${CHARTS_TEST_DIR}/check_plan_html.py $<TARGET_FILE:mlxplan>
                   ${CMAKE_CURRENT_SOURCE_DIR}/e2e/cases-plan.tsv
                   ${CMAKE_CURRENT_BINARY_DIR}/plan-html-out)
  set_tests_properties(charts.plan_html PROPERTIES LABELS "charts" TIMEOUT 300)
  add_test(NAME charts.chromium
           COMMAND ${PYTHON3} ${CHARTS_TEST_DIR}/check_charts.py chromium
                   $<TARGET_FILE:mlxplan> ${CMAKE_BINARY_DIR}/screenshots)
  set_tests_properties(charts.chromium PROPERTIES LABELS "charts;chromium"
    SKIP_RETURN_CODE 77 TIMEOUT 600)
endif()
