/*
 * amqp_raw.c: the "raw C" ceiling for the AMQP benchmark.
 *
 * Talks to RabbitMQ through rabbitmq-c directly, with no framework, no extra
 * threads (except the RPC server) and no extra copies, so that the figures are
 * an upper bound for what a higher-level client can reach on the same machine.
 *
 * Output (stdout, one figure per line, nothing else):
 *   publish_confirm_rate <msgs/s>
 *   consume_rate <msgs/s>
 *   rpc1_p50_us <us>      rpc1_p99_us <us>
 *   rpc16_p50_us <us>     rpc16_p99_us <us>
 *   rpc16_rate <calls/s>
 * Diagnostics go to stderr. Any error exits with status 1 and a message.
 *
 * Build: cc -O2 -o amqp_raw bench/raw/amqp_raw.c \
 *            $(pkg-config --cflags --libs librabbitmq)
 * (pthreads: glibc >= 2.34 has them in libc; add -pthread on older systems.)
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* rabbitmq-c >= 0.12 moved its headers under rabbitmq-c/; 0.11 (Debian 12)
 * still has them at the top level. */
#if defined(__has_include)
#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/tcp_socket.h>
#define HAVE_AMQP_HEADERS 1
#endif
#endif
#ifndef HAVE_AMQP_HEADERS
#include <amqp.h>
#include <amqp_tcp_socket.h>
#endif

#define CHANNEL 1
#define CONFIRM_WINDOW 256    /* unconfirmed publishes allowed in flight */
#define PUBLISH_BODY_SIZE 1024
#define CONSUME_PREFETCH 100
#define RPC_BODY_SIZE 64
#define RPC_SERVER_PREFETCH 100
#define RPC_WARMUP 200
#define RPC_PIPELINE 16
#define REPLY_TO_QUEUE "amq.rabbitmq.reply-to"
#define STOP_TYPE "rawbench.stop" /* basic.type of the request that ends the server */

/* ------------------------------------------------------------------------ */
/* Errors                                                                   */

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fputs("amqp_raw: error: ", stderr);
  vfprintf(stderr, fmt, ap);
  fputc('\n', stderr);
  va_end(ap);
  exit(1); /* also ends the RPC server thread */
}

static void die_status(int status, const char *what) {
  if (status != AMQP_STATUS_OK) {
    die("%s: %s", what, amqp_error_string2(status));
  }
}

/* Describes a connection.close / channel.close sent by the broker. */
static void die_server_close(const amqp_method_t *m, const char *what) {
  if (m->id == AMQP_CONNECTION_CLOSE_METHOD) {
    const amqp_connection_close_t *c = m->decoded;
    die("%s: broker closed the connection: %u %.*s", what, c->reply_code,
        (int)c->reply_text.len, (const char *)c->reply_text.bytes);
  }
  if (m->id == AMQP_CHANNEL_CLOSE_METHOD) {
    const amqp_channel_close_t *c = m->decoded;
    die("%s: broker closed the channel: %u %.*s", what, c->reply_code,
        (int)c->reply_text.len, (const char *)c->reply_text.bytes);
  }
  die("%s: unexpected method %s from the broker", what, amqp_method_name(m->id));
}

static void die_reply(amqp_rpc_reply_t r, const char *what) {
  switch (r.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return;
    case AMQP_RESPONSE_NONE:
      die("%s: missing RPC reply", what);
      break;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      die("%s: %s", what, amqp_error_string2(r.library_error));
      break;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      die_server_close(&r.reply, what);
      break;
  }
  die("%s: unknown reply type %d", what, (int)r.reply_type);
}

/* Synchronous rabbitmq-c calls (queue.declare, basic.qos, ...) return a
 * pointer that is NULL on failure; the details are in amqp_get_rpc_reply. */
static void check_rpc(amqp_connection_state_t conn, const char *what) {
  die_reply(amqp_get_rpc_reply(conn), what);
}

/* amqp_consume_message failed. If it was because a frame other than
 * basic.deliver arrived, rabbitmq-c put that frame back: read it so that the
 * message says what the broker sent (channel.close with a reason, usually). */
static void die_consume(amqp_connection_state_t conn, amqp_rpc_reply_t r,
                        const char *what) {
  if (r.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
      r.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
    amqp_frame_t frame;
    die_status(amqp_simple_wait_frame(conn, &frame), what);
    if (frame.frame_type == AMQP_FRAME_METHOD) {
      if (frame.payload.method.id == AMQP_BASIC_RETURN_METHOD) {
        const amqp_basic_return_t *ret = frame.payload.method.decoded;
        die("%s: message returned as unroutable: %u %.*s", what,
            ret->reply_code, (int)ret->reply_text.len,
            (const char *)ret->reply_text.bytes);
      }
      die_server_close(&frame.payload.method, what);
    }
    die("%s: unexpected frame type %u", what, (unsigned)frame.frame_type);
  }
  die_reply(r, what);
}

/* ------------------------------------------------------------------------ */
/* Time and statistics                                                      */

static int64_t now_ns(void) {
  struct timespec ts;
  if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
    die("clock_gettime: %s", strerror(errno));
  }
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static double seconds_between(int64_t start, int64_t end) {
  return (double)(end - start) / 1e9;
}

static int cmp_i64(const void *a, const void *b) {
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

/* Nearest-rank percentile of an ascending array, in microseconds. */
static double percentile_us(const int64_t *sorted_ns, size_t n, double p) {
  size_t rank = (size_t)((p / 100.0) * (double)n + 0.999999999);
  if (rank < 1) rank = 1;
  if (rank > n) rank = n;
  return (double)sorted_ns[rank - 1] / 1000.0;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n, size);
  if (p == NULL) die("out of memory");
  return p;
}

/* ------------------------------------------------------------------------ */
/* Connections                                                              */

struct config {
  struct amqp_connection_info url; /* points into url_buf */
  char *url_buf;
  long count;
  long rpc_count;
};

static amqp_connection_state_t open_connection(const struct config *cfg,
                                               const char *name) {
  amqp_connection_state_t conn = amqp_new_connection();
  if (conn == NULL) die("%s: amqp_new_connection failed", name);
  amqp_socket_t *sock = amqp_tcp_socket_new(conn);
  if (sock == NULL) die("%s: amqp_tcp_socket_new failed", name);

  /* rabbitmq-c sets TCP_NODELAY itself and sends the three frames of a
   * publish with MSG_MORE, so each publish is one segment. */
  int status = amqp_socket_open(sock, cfg->url.host, cfg->url.port);
  if (status != AMQP_STATUS_OK) {
    /* rabbitmq-c connects non-blocking and keeps the real cause (from
     * SO_ERROR) to itself; errno would only say EINPROGRESS. */
    die("%s: cannot connect to %s:%d: %s (is the broker running?)", name,
        cfg->url.host, cfg->url.port, amqp_error_string2(status));
  }
  /* heartbeat 0: nothing in this program waits long enough to need one. */
  die_reply(amqp_login(conn, cfg->url.vhost, 0, AMQP_DEFAULT_FRAME_SIZE, 0,
                       AMQP_SASL_METHOD_PLAIN, cfg->url.user,
                       cfg->url.password),
            name);
  amqp_channel_open(conn, CHANNEL);
  check_rpc(conn, name);
  return conn;
}

static void close_connection(amqp_connection_state_t conn, const char *name) {
  die_reply(amqp_channel_close(conn, CHANNEL, AMQP_REPLY_SUCCESS), name);
  die_reply(amqp_connection_close(conn, AMQP_REPLY_SUCCESS), name);
  die_status(amqp_destroy_connection(conn), name);
}

static void make_queue_name(char *buf, size_t size, const char *kind) {
  snprintf(buf, size, "rawbench.%s.%ld.%" PRId64, kind, (long)getpid(),
           now_ns());
}

/* ------------------------------------------------------------------------ */
/* 1. Publish with confirms into a quorum queue                             */

/* Handles one frame read while waiting for confirms. acked[tag] is set for
 * each confirmed delivery tag; returns how many new tags got confirmed. */
static long handle_confirm_frame(const amqp_frame_t *frame, unsigned char *acked,
                                 uint64_t published, uint64_t *lowest_unacked) {
  if (frame->frame_type != AMQP_FRAME_METHOD) {
    die("publish: unexpected frame type %u while waiting for confirms",
        (unsigned)frame->frame_type);
  }
  const amqp_method_t *m = &frame->payload.method;
  if (m->id == AMQP_BASIC_NACK_METHOD) {
    const amqp_basic_nack_t *nack = m->decoded;
    die("publish: broker nacked delivery tag %" PRIu64, nack->delivery_tag);
  }
  if (m->id == AMQP_BASIC_RETURN_METHOD) {
    const amqp_basic_return_t *ret = m->decoded;
    die("publish: message returned as unroutable: %u %.*s", ret->reply_code,
        (int)ret->reply_text.len, (const char *)ret->reply_text.bytes);
  }
  if (m->id != AMQP_BASIC_ACK_METHOD) die_server_close(m, "publish");

  const amqp_basic_ack_t *ack = m->decoded;
  uint64_t tag = ack->delivery_tag;
  if (tag == 0 || tag > published) {
    die("publish: ack for unknown delivery tag %" PRIu64, tag);
  }
  long newly = 0;
  if (ack->multiple) {
    /* Confirms may arrive out of order, so a multiple ack only covers the
     * tags up to `tag` that are still open. */
    for (uint64_t t = *lowest_unacked; t <= tag; t++) {
      if (!acked[t]) {
        acked[t] = 1;
        newly++;
      }
    }
  } else if (!acked[tag]) {
    acked[tag] = 1;
    newly = 1;
  }
  while (*lowest_unacked <= published && acked[*lowest_unacked]) {
    (*lowest_unacked)++;
  }
  return newly;
}

static double bench_publish_confirm(const struct config *cfg,
                                    const char *queue) {
  amqp_connection_state_t conn = open_connection(cfg, "publish connection");

  amqp_table_entry_t qargs[1];
  qargs[0].key = amqp_cstring_bytes("x-queue-type");
  qargs[0].value.kind = AMQP_FIELD_KIND_UTF8;
  qargs[0].value.value.bytes = amqp_cstring_bytes("quorum");
  amqp_table_t qtable = {.num_entries = 1, .entries = qargs};
  amqp_queue_declare(conn, CHANNEL, amqp_cstring_bytes(queue), 0, 1, 0, 0,
                     qtable);
  check_rpc(conn, "publish: queue.declare (quorum)");
  amqp_confirm_select(conn, CHANNEL);
  check_rpc(conn, "publish: confirm.select");

  char *body = xcalloc(1, PUBLISH_BODY_SIZE);
  for (size_t i = 0; i < PUBLISH_BODY_SIZE; i++) body[i] = (char)('a' + i % 26);
  amqp_bytes_t body_bytes = {.len = PUBLISH_BODY_SIZE, .bytes = body};
  /* Delivery tags start at 1 after confirm.select. */
  unsigned char *acked = xcalloc((size_t)cfg->count + 1, 1);

  const uint64_t total = (uint64_t)cfg->count;
  uint64_t published = 0, confirmed = 0, lowest_unacked = 1;
  char message_id[32];
  amqp_basic_properties_t props;
  memset(&props, 0, sizeof props);
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG;
  props.delivery_mode = 2; /* persistent */

  int64_t start = now_ns();
  while (confirmed < total) {
    /* Fill the window without reading: the acks queue up in the socket. */
    while (published < total && published - confirmed < CONFIRM_WINDOW) {
      snprintf(message_id, sizeof message_id, "m-%" PRIu64, published + 1);
      props.message_id = amqp_cstring_bytes(message_id);
      int st = amqp_basic_publish(conn, CHANNEL, amqp_empty_bytes,
                                  amqp_cstring_bytes(queue), 1, 0, &props,
                                  body_bytes);
      die_status(st, "publish: basic.publish");
      published++;
    }
    /* Window full (or everything sent): block for one confirm, then take
     * whatever else rabbitmq-c already has buffered without another
     * blocking read, so that the window is refilled in batches. */
    do {
      amqp_frame_t frame;
      die_status(amqp_simple_wait_frame(conn, &frame),
                 "publish: waiting for confirms");
      confirmed += (uint64_t)handle_confirm_frame(&frame, acked, published,
                                                  &lowest_unacked);
      amqp_maybe_release_buffers(conn);
    } while (confirmed < total &&
             (amqp_frames_enqueued(conn) || amqp_data_in_buffer(conn)));
  }
  int64_t end = now_ns();

  free(acked);
  free(body);
  close_connection(conn, "publish connection");
  fprintf(stderr, "# publish_confirm: %ld msgs in %.3f s\n", cfg->count,
          seconds_between(start, end));
  return (double)cfg->count / seconds_between(start, end);
}

/* ------------------------------------------------------------------------ */
/* 2. Consume those messages, prefetch 100, ack each                        */

static double bench_consume(const struct config *cfg, const char *queue) {
  amqp_connection_state_t conn = open_connection(cfg, "consume connection");

  /* Sanity check outside the timed part: every confirmed message is there. */
  amqp_queue_declare_ok_t *decl = amqp_queue_declare(
      conn, CHANNEL, amqp_cstring_bytes(queue), 1, 0, 0, 0, amqp_empty_table);
  check_rpc(conn, "consume: queue.declare (passive)");
  if (decl->message_count != (uint32_t)cfg->count) {
    die("consume: queue holds %u messages, expected %ld", decl->message_count,
        cfg->count);
  }

  amqp_basic_qos(conn, CHANNEL, 0, CONSUME_PREFETCH, 0);
  check_rpc(conn, "consume: basic.qos");
  amqp_basic_consume_ok_t *ok =
      amqp_basic_consume(conn, CHANNEL, amqp_cstring_bytes(queue),
                         amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  check_rpc(conn, "consume: basic.consume");
  amqp_bytes_t consumer_tag = amqp_bytes_malloc_dup(ok->consumer_tag);
  if (consumer_tag.bytes == NULL) die("out of memory");

  int64_t start = now_ns();
  for (long i = 0; i < cfg->count; i++) {
    amqp_envelope_t env;
    amqp_rpc_reply_t r = amqp_consume_message(conn, &env, NULL, 0);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
      die_consume(conn, r, "consume: waiting for a delivery");
    }
    if (env.message.body.len != PUBLISH_BODY_SIZE) {
      die("consume: message %ld has %zu bytes, expected %d", i,
          env.message.body.len, PUBLISH_BODY_SIZE);
    }
    die_status(amqp_basic_ack(conn, CHANNEL, env.delivery_tag, 0),
               "consume: basic.ack");
    amqp_destroy_envelope(&env);
    amqp_maybe_release_buffers(conn);
  }
  int64_t end = now_ns();

  amqp_basic_cancel(conn, CHANNEL, consumer_tag);
  check_rpc(conn, "consume: basic.cancel");
  amqp_bytes_free(consumer_tag);
  amqp_queue_delete_ok_t *del =
      amqp_queue_delete(conn, CHANNEL, amqp_cstring_bytes(queue), 0, 0);
  check_rpc(conn, "consume: queue.delete");
  if (del->message_count != 0) {
    die("consume: %u messages left in the queue after consuming",
        del->message_count);
  }
  close_connection(conn, "consume connection");
  fprintf(stderr, "# consume: %ld msgs in %.3f s\n", cfg->count,
          seconds_between(start, end));
  return (double)cfg->count / seconds_between(start, end);
}

/* ------------------------------------------------------------------------ */
/* 3. RPC over direct reply-to                                              */

struct rpc_server {
  const struct config *cfg;
  char queue[128];
  pthread_mutex_t lock;
  pthread_cond_t ready_cond;
  int ready;
  long served;
};

/* Echo server on its own connection: reply with the same body to reply_to,
 * keep the correlation_id, then ack the request. */
static void *rpc_server_main(void *arg) {
  struct rpc_server *srv = arg;
  amqp_connection_state_t conn = open_connection(srv->cfg, "rpc server connection");

  amqp_queue_declare(conn, CHANNEL, amqp_cstring_bytes(srv->queue), 0, 0, 0, 0,
                     amqp_empty_table);
  check_rpc(conn, "rpc server: queue.declare");
  amqp_basic_qos(conn, CHANNEL, 0, RPC_SERVER_PREFETCH, 0);
  check_rpc(conn, "rpc server: basic.qos");
  amqp_basic_consume_ok_t *ok =
      amqp_basic_consume(conn, CHANNEL, amqp_cstring_bytes(srv->queue),
                         amqp_empty_bytes, 0, 0, 0, amqp_empty_table);
  check_rpc(conn, "rpc server: basic.consume");
  amqp_bytes_t consumer_tag = amqp_bytes_malloc_dup(ok->consumer_tag);
  if (consumer_tag.bytes == NULL) die("out of memory");

  /* The client must not publish before the queue exists. */
  pthread_mutex_lock(&srv->lock);
  srv->ready = 1;
  pthread_cond_signal(&srv->ready_cond);
  pthread_mutex_unlock(&srv->lock);

  amqp_basic_properties_t reply_props;
  memset(&reply_props, 0, sizeof reply_props);
  reply_props._flags = AMQP_BASIC_CORRELATION_ID_FLAG;

  for (;;) {
    amqp_envelope_t env;
    amqp_rpc_reply_t r = amqp_consume_message(conn, &env, NULL, 0);
    if (r.reply_type != AMQP_RESPONSE_NORMAL) {
      die_consume(conn, r, "rpc server: waiting for a request");
    }
    const amqp_basic_properties_t *p = &env.message.properties;
    int stop = (p->_flags & AMQP_BASIC_TYPE_FLAG) &&
               p->type.len == strlen(STOP_TYPE) &&
               memcmp(p->type.bytes, STOP_TYPE, p->type.len) == 0;
    if (!stop) {
      if (!(p->_flags & AMQP_BASIC_REPLY_TO_FLAG) ||
          !(p->_flags & AMQP_BASIC_CORRELATION_ID_FLAG)) {
        die("rpc server: request without reply_to or correlation_id");
      }
      reply_props.correlation_id = p->correlation_id;
      int st = amqp_basic_publish(conn, CHANNEL, amqp_empty_bytes, p->reply_to,
                                  0, 0, &reply_props, env.message.body);
      die_status(st, "rpc server: publishing a reply");
      srv->served++;
    }
    die_status(amqp_basic_ack(conn, CHANNEL, env.delivery_tag, 0),
               "rpc server: basic.ack");
    amqp_destroy_envelope(&env);
    amqp_maybe_release_buffers(conn);
    if (stop) break;
  }

  amqp_basic_cancel(conn, CHANNEL, consumer_tag);
  check_rpc(conn, "rpc server: basic.cancel");
  amqp_bytes_free(consumer_tag);
  amqp_queue_delete(conn, CHANNEL, amqp_cstring_bytes(srv->queue), 0, 0);
  check_rpc(conn, "rpc server: queue.delete");
  close_connection(conn, "rpc server connection");
  return NULL;
}

struct rpc_client {
  amqp_connection_state_t conn;
  amqp_bytes_t request_queue;
  amqp_bytes_t body;
  uint64_t next_id; /* correlation ids are unique across all phases */
};

static void rpc_send(struct rpc_client *c, uint64_t id) {
  char corr[24];
  snprintf(corr, sizeof corr, "%" PRIu64, id);
  amqp_basic_properties_t props;
  memset(&props, 0, sizeof props);
  props._flags = AMQP_BASIC_REPLY_TO_FLAG | AMQP_BASIC_CORRELATION_ID_FLAG;
  props.reply_to = amqp_cstring_bytes(REPLY_TO_QUEUE);
  props.correlation_id = amqp_cstring_bytes(corr);
  /* mandatory=1 so that a missing request queue fails loudly (basic.return)
   * instead of hanging the client. */
  int st = amqp_basic_publish(c->conn, CHANNEL, amqp_empty_bytes,
                              c->request_queue, 1, 0, &props, c->body);
  die_status(st, "rpc client: publishing a request");
}

/* Blocks for the next reply and returns its correlation id. */
static uint64_t rpc_receive(struct rpc_client *c) {
  amqp_envelope_t env;
  amqp_rpc_reply_t r = amqp_consume_message(c->conn, &env, NULL, 0);
  if (r.reply_type != AMQP_RESPONSE_NORMAL) {
    die_consume(c->conn, r, "rpc client: waiting for a reply");
  }
  const amqp_basic_properties_t *p = &env.message.properties;
  if (!(p->_flags & AMQP_BASIC_CORRELATION_ID_FLAG) ||
      p->correlation_id.len == 0 || p->correlation_id.len >= 24) {
    die("rpc client: reply without a usable correlation_id");
  }
  if (env.message.body.len != RPC_BODY_SIZE) {
    die("rpc client: reply has %zu bytes, expected %d", env.message.body.len,
        RPC_BODY_SIZE);
  }
  char corr[24];
  memcpy(corr, p->correlation_id.bytes, p->correlation_id.len);
  corr[p->correlation_id.len] = '\0';
  char *end;
  errno = 0;
  unsigned long long id = strtoull(corr, &end, 10);
  if (errno != 0 || *end != '\0') {
    die("rpc client: bad correlation_id '%s'", corr);
  }
  amqp_destroy_envelope(&env);
  amqp_maybe_release_buffers(c->conn);
  return (uint64_t)id;
}

/* Runs `calls` calls with up to `depth` outstanding. Fills lat_ns (if not
 * NULL) with one round-trip time per call and returns the elapsed time. */
static int64_t rpc_run(struct rpc_client *c, long calls, int depth,
                       int64_t *lat_ns) {
  int64_t *sent_at = xcalloc((size_t)calls, sizeof *sent_at);
  unsigned char *done = xcalloc((size_t)calls, 1);
  const uint64_t base = c->next_id;
  long sent = 0, completed = 0;

  int64_t start = now_ns();
  while (completed < calls) {
    while (sent < calls && sent - completed < depth) {
      sent_at[sent] = now_ns();
      rpc_send(c, base + (uint64_t)sent);
      sent++;
    }
    uint64_t id = rpc_receive(c);
    int64_t t = now_ns();
    if (id < base || id - base >= (uint64_t)sent || done[id - base]) {
      die("rpc client: reply with unexpected correlation_id %" PRIu64, id);
    }
    done[id - base] = 1;
    if (lat_ns != NULL) lat_ns[completed] = t - sent_at[id - base];
    completed++;
  }
  int64_t elapsed = now_ns() - start;

  c->next_id = base + (uint64_t)calls;
  free(done);
  free(sent_at);
  return elapsed;
}

struct rpc_results {
  double p50_1, p99_1, p50_16, p99_16, rate_16;
};

static struct rpc_results bench_rpc(const struct config *cfg) {
  struct rpc_server srv;
  memset(&srv, 0, sizeof srv);
  srv.cfg = cfg;
  make_queue_name(srv.queue, sizeof srv.queue, "rpc");
  if (pthread_mutex_init(&srv.lock, NULL) != 0 ||
      pthread_cond_init(&srv.ready_cond, NULL) != 0) {
    die("rpc: cannot initialise mutex/condition");
  }
  pthread_t server_thread;
  int err = pthread_create(&server_thread, NULL, rpc_server_main, &srv);
  if (err != 0) die("rpc: pthread_create: %s", strerror(err));

  struct rpc_client c;
  memset(&c, 0, sizeof c);
  c.conn = open_connection(cfg, "rpc client connection");
  c.request_queue = amqp_cstring_bytes(srv.queue);
  char *body = xcalloc(1, RPC_BODY_SIZE);
  memset(body, 'r', RPC_BODY_SIZE);
  c.body = (amqp_bytes_t){.len = RPC_BODY_SIZE, .bytes = body};

  /* Direct reply-to: consume the pseudo-queue with no_ack on the same
   * channel that publishes the requests. */
  amqp_basic_consume(c.conn, CHANNEL, amqp_cstring_bytes(REPLY_TO_QUEUE),
                     amqp_empty_bytes, 0, 1, 0, amqp_empty_table);
  check_rpc(c.conn, "rpc client: basic.consume amq.rabbitmq.reply-to");

  pthread_mutex_lock(&srv.lock);
  while (!srv.ready) pthread_cond_wait(&srv.ready_cond, &srv.lock);
  pthread_mutex_unlock(&srv.lock);

  int64_t *lat = xcalloc((size_t)cfg->rpc_count, sizeof *lat);
  struct rpc_results res;

  rpc_run(&c, RPC_WARMUP, 1, NULL);

  rpc_run(&c, cfg->rpc_count, 1, lat);
  qsort(lat, (size_t)cfg->rpc_count, sizeof *lat, cmp_i64);
  res.p50_1 = percentile_us(lat, (size_t)cfg->rpc_count, 50);
  res.p99_1 = percentile_us(lat, (size_t)cfg->rpc_count, 99);

  int64_t elapsed = rpc_run(&c, cfg->rpc_count, RPC_PIPELINE, lat);
  qsort(lat, (size_t)cfg->rpc_count, sizeof *lat, cmp_i64);
  res.p50_16 = percentile_us(lat, (size_t)cfg->rpc_count, 50);
  res.p99_16 = percentile_us(lat, (size_t)cfg->rpc_count, 99);
  res.rate_16 = (double)cfg->rpc_count / ((double)elapsed / 1e9);

  /* Ask the server to finish; it deletes the request queue itself. */
  amqp_basic_properties_t stop;
  memset(&stop, 0, sizeof stop);
  stop._flags = AMQP_BASIC_TYPE_FLAG;
  stop.type = amqp_cstring_bytes(STOP_TYPE);
  die_status(amqp_basic_publish(c.conn, CHANNEL, amqp_empty_bytes,
                                c.request_queue, 1, 0, &stop, amqp_empty_bytes),
             "rpc client: publishing the stop request");
  err = pthread_join(server_thread, NULL);
  if (err != 0) die("rpc: pthread_join: %s", strerror(err));
  long expected = RPC_WARMUP + 2 * cfg->rpc_count;
  if (srv.served != expected) {
    die("rpc: server answered %ld calls, expected %ld", srv.served, expected);
  }

  close_connection(c.conn, "rpc client connection");
  pthread_cond_destroy(&srv.ready_cond);
  pthread_mutex_destroy(&srv.lock);
  free(lat);
  free(body);
  return res;
}

/* ------------------------------------------------------------------------ */
/* Command line                                                             */

static void usage(void) {
  fprintf(stderr,
          "usage: amqp_raw [--url amqp://user:pass@host:port/vhost] "
          "[--count N] [--rpc-count N]\n"
          "  --url        default amqp://guest:guest@127.0.0.1:5672/%%2f\n"
          "  --count      messages for publish/consume (default 20000)\n"
          "  --rpc-count  calls for each RPC figure (default 5000)\n");
  exit(2);
}

static long parse_count(const char *s, const char *opt) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno != 0 || *s == '\0' || *end != '\0' || v < 1 || v > 100000000) {
    fprintf(stderr, "amqp_raw: %s needs a positive integer, got '%s'\n", opt, s);
    usage();
  }
  return v;
}

static void parse_args(int argc, char **argv, struct config *cfg) {
  const char *url = "amqp://guest:guest@127.0.0.1:5672/%2f";
  cfg->count = 20000;
  cfg->rpc_count = 5000;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) usage();
    if (i + 1 >= argc) {
      fprintf(stderr, "amqp_raw: unknown or incomplete option '%s'\n", a);
      usage();
    }
    if (strcmp(a, "--url") == 0) {
      url = argv[++i];
    } else if (strcmp(a, "--count") == 0) {
      cfg->count = parse_count(argv[++i], a);
    } else if (strcmp(a, "--rpc-count") == 0) {
      cfg->rpc_count = parse_count(argv[++i], a);
    } else {
      fprintf(stderr, "amqp_raw: unknown option '%s'\n", a);
      usage();
    }
  }
  /* amqp_parse_url decodes %XX escapes (so /%2f is the vhost "/") in place,
   * and leaves the result pointing into the buffer. */
  cfg->url_buf = strdup(url);
  if (cfg->url_buf == NULL) die("out of memory");
  int st = amqp_parse_url(cfg->url_buf, &cfg->url);
  if (st != AMQP_STATUS_OK) die("bad --url '%s': %s", url, amqp_error_string2(st));
  if (cfg->url.ssl) die("--url: amqps is not supported by this benchmark");
}

int main(int argc, char **argv) {
  struct config cfg;
  memset(&cfg, 0, sizeof cfg);
  parse_args(argc, argv, &cfg);
  fprintf(stderr, "# %s:%d vhost '%s', count %ld, rpc-count %ld\n", cfg.url.host,
          cfg.url.port, cfg.url.vhost, cfg.count, cfg.rpc_count);

  char queue[128];
  make_queue_name(queue, sizeof queue, "confirm");
  double publish_rate = bench_publish_confirm(&cfg, queue);
  double consume_rate = bench_consume(&cfg, queue);
  struct rpc_results rpc = bench_rpc(&cfg);

  printf("publish_confirm_rate %.0f\n", publish_rate);
  printf("consume_rate %.0f\n", consume_rate);
  printf("rpc1_p50_us %.1f\n", rpc.p50_1);
  printf("rpc1_p99_us %.1f\n", rpc.p99_1);
  printf("rpc16_p50_us %.1f\n", rpc.p50_16);
  printf("rpc16_p99_us %.1f\n", rpc.p99_16);
  printf("rpc16_rate %.0f\n", rpc.rate_16);
  free(cfg.url_buf);
  return fflush(stdout) == 0 ? 0 : 1;
}
