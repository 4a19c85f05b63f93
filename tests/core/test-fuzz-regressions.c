/* test-fuzz-regressions.c: inputs the libFuzzer harnesses (tests/fuzz) found, kept as plain
 * unit tests so the normal and sanitizer suites guard them too (the fuzz corpus has the same
 * inputs under tests/fuzz/corpus/). G_DEBUG=fatal-warnings makes any critical a failure. */
#include "config.h"

#include "lk-graph-error.h"
#include "lk-request-policy.h"

/* A body of only whitespace is valid JSON to json-glib with no root node; reading it as an
 * object raised a json-glib critical. */
static void
test_graph_error_whitespace_body (void)
{
  static const char *const bodies[] = { "\t\n", " ", "\r\n\r\n" };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GError) error = lk_graph_error_new_from_response (502, bodies[i], strlen (bodies[i]),
                                                                  "req-1", NULL);

      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_SERVER);
      g_assert_cmpuint (lk_graph_error_get_http_status (error), ==, 502);
      g_assert_cmpstr (lk_graph_error_get_request_id (error), ==, "req-1");
      g_assert_null (lk_graph_error_get_graph_code (error));
    }
}

/* A Graph root without a host made g_ascii_strcasecmp (host, NULL) return 0, "same host",
 * so any https URL under the root's path would have been allowed the token. */
static void
test_url_root_without_host (void)
{
  static const char *const roots[] = { "https:/beta", "https:beta", "http: 202//127.0.0.1:8080/graph/beta" };

  for (guint i = 0; i < G_N_ELEMENTS (roots); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_false (lk_url_may_carry_token ("https://evil.example/beta/deviceManagement", roots[i], &error));
      g_assert_error (error, LK_GRAPH_ERROR, LK_GRAPH_ERROR_INSECURE);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/fuzz-regressions/graph-error/whitespace-body", test_graph_error_whitespace_body);
  g_test_add_func ("/fuzz-regressions/request-policy/root-without-host", test_url_root_without_host);
  return g_test_run ();
}
