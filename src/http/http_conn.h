/* http_conn.h — libmicrohttpd callbacks for one request's life (conn.c). */
#ifndef SH_HTTP_CONN_H
#define SH_HTTP_CONN_H

#include <microhttpd.h>

enum MHD_Result http_conn_on_request(void *cls, struct MHD_Connection *mc, const char *url,
				     const char *method, const char *version,
				     const char *upload_data, size_t *upload_data_size,
				     void **con_cls);
void http_conn_on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
			    enum MHD_RequestTerminationCode toe);
void http_conn_on_connection(void *cls, struct MHD_Connection *mc, void **socket_context,
			     enum MHD_ConnectionNotificationCode toe);

#endif
