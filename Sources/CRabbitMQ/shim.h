// Wrappers for the parts of rabbitmq-c that Swift cannot call directly:
// variadic functions, unions and macros whose values are casts.
#ifndef CRABBITMQ_SHIM_H
#define CRABBITMQ_SHIM_H

#if __has_include(<rabbitmq-c/amqp.h>)
#include <rabbitmq-c/amqp.h>
#include <rabbitmq-c/framing.h>
#include <rabbitmq-c/tcp_socket.h>
#else
#include <amqp.h>
#include <amqp_framing.h>
#include <amqp_tcp_socket.h>
#endif
#include <stdint.h>
#include <poll.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/eventfd.h>
#endif

/// A non-blocking descriptor that other threads write to wake the connection thread from poll():
/// an eventfd on Linux. Returns -1 on failure.
static inline int crabbitmq_wake_fd(void) {
#ifdef __linux__
    return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
#else
    return -1;
#endif
}
static inline void crabbitmq_wake_signal(int fd) { uint64_t one = 1; ssize_t n = write(fd, &one, sizeof one); (void)n; }
static inline void crabbitmq_wake_reset(int fd) { uint64_t value = 0; ssize_t n = read(fd, &value, sizeof value); (void)n; }

/// poll() on the connection's socket (when `socket_fd` >= 0) and the wake descriptor.
/// Returns a bit set: 1 when the socket is readable or failed, 2 when woken; 0 on timeout.
static inline int crabbitmq_wait(int socket_fd, int wake_fd, int timeout_ms) {
    struct pollfd fds[2];
    int n = 0;
    int socket_index = -1;
    if (socket_fd >= 0) { fds[n].fd = socket_fd; fds[n].events = POLLIN; fds[n].revents = 0; socket_index = n; n++; }
    fds[n].fd = wake_fd; fds[n].events = POLLIN; fds[n].revents = 0; int wake_index = n; n++;
    int rc = poll(fds, (nfds_t)n, timeout_ms);
    if (rc <= 0) return 0;
    int result = 0;
    if (socket_index >= 0 && fds[socket_index].revents != 0) result |= 1;
    if (fds[wake_index].revents != 0) result |= 2;
    return result;
}

static const uint32_t CRABBITMQ_CONNECTION_CLOSE = AMQP_CONNECTION_CLOSE_METHOD;
static const uint32_t CRABBITMQ_CONNECTION_CLOSE_OK = AMQP_CONNECTION_CLOSE_OK_METHOD;
static const uint32_t CRABBITMQ_CONNECTION_BLOCKED = AMQP_CONNECTION_BLOCKED_METHOD;
static const uint32_t CRABBITMQ_CONNECTION_UNBLOCKED = AMQP_CONNECTION_UNBLOCKED_METHOD;
static const uint32_t CRABBITMQ_CHANNEL_CLOSE = AMQP_CHANNEL_CLOSE_METHOD;
static const uint32_t CRABBITMQ_CHANNEL_CLOSE_OK = AMQP_CHANNEL_CLOSE_OK_METHOD;
static const uint32_t CRABBITMQ_BASIC_DELIVER = AMQP_BASIC_DELIVER_METHOD;
static const uint32_t CRABBITMQ_BASIC_ACK = AMQP_BASIC_ACK_METHOD;
static const uint32_t CRABBITMQ_BASIC_NACK = AMQP_BASIC_NACK_METHOD;
static const uint32_t CRABBITMQ_BASIC_RETURN = AMQP_BASIC_RETURN_METHOD;
static const uint32_t CRABBITMQ_BASIC_CANCEL = AMQP_BASIC_CANCEL_METHOD;
static const uint32_t CRABBITMQ_BASIC_CANCEL_OK = AMQP_BASIC_CANCEL_OK_METHOD;
static const uint32_t CRABBITMQ_BASIC_CONSUME_OK = AMQP_BASIC_CONSUME_OK_METHOD;

static const uint32_t CRABBITMQ_FLAG_CONTENT_TYPE = AMQP_BASIC_CONTENT_TYPE_FLAG;
static const uint32_t CRABBITMQ_FLAG_HEADERS = AMQP_BASIC_HEADERS_FLAG;
static const uint32_t CRABBITMQ_FLAG_DELIVERY_MODE = AMQP_BASIC_DELIVERY_MODE_FLAG;
static const uint32_t CRABBITMQ_FLAG_CORRELATION_ID = AMQP_BASIC_CORRELATION_ID_FLAG;
static const uint32_t CRABBITMQ_FLAG_REPLY_TO = AMQP_BASIC_REPLY_TO_FLAG;
static const uint32_t CRABBITMQ_FLAG_EXPIRATION = AMQP_BASIC_EXPIRATION_FLAG;
static const uint32_t CRABBITMQ_FLAG_MESSAGE_ID = AMQP_BASIC_MESSAGE_ID_FLAG;
static const uint32_t CRABBITMQ_FLAG_TIMESTAMP = AMQP_BASIC_TIMESTAMP_FLAG;
static const uint32_t CRABBITMQ_FLAG_TYPE = AMQP_BASIC_TYPE_FLAG;

/// `amqp_login_with_properties` with the PLAIN SASL mechanism (the C function is variadic).
static inline amqp_rpc_reply_t crabbitmq_login(amqp_connection_state_t state, const char *vhost,
                                               int channel_max, int frame_max, int heartbeat,
                                               const amqp_table_t *properties,
                                               const char *user, const char *password) {
    return amqp_login_with_properties(state, vhost, channel_max, frame_max, heartbeat, properties,
                                      AMQP_SASL_METHOD_PLAIN, user, password);
}

static inline uint8_t crabbitmq_frame_type(const amqp_frame_t *frame) { return frame->frame_type; }
static inline amqp_method_number_t crabbitmq_frame_method_id(const amqp_frame_t *frame) {
    return frame->payload.method.id;
}
static inline void *crabbitmq_frame_method(const amqp_frame_t *frame) { return frame->payload.method.decoded; }
static inline uint64_t crabbitmq_frame_body_size(const amqp_frame_t *frame) {
    return frame->payload.properties.body_size;
}
static inline const amqp_basic_properties_t *crabbitmq_frame_properties(const amqp_frame_t *frame) {
    return (const amqp_basic_properties_t *)frame->payload.properties.decoded;
}
static inline amqp_bytes_t crabbitmq_frame_body(const amqp_frame_t *frame) { return frame->payload.body_fragment; }

static inline amqp_field_value_t crabbitmq_field_utf8(amqp_bytes_t bytes) {
    amqp_field_value_t v; v.kind = AMQP_FIELD_KIND_UTF8; v.value.bytes = bytes; return v;
}
static inline amqp_field_value_t crabbitmq_field_i64(int64_t value) {
    amqp_field_value_t v; v.kind = AMQP_FIELD_KIND_I64; v.value.i64 = value; return v;
}
static inline amqp_field_value_t crabbitmq_field_bool(int value) {
    amqp_field_value_t v; v.kind = AMQP_FIELD_KIND_BOOLEAN; v.value.boolean = value ? 1 : 0; return v;
}
static inline amqp_field_value_t crabbitmq_field_table(amqp_table_t table) {
    amqp_field_value_t v; v.kind = AMQP_FIELD_KIND_TABLE; v.value.table = table; return v;
}

/// The field as bytes when it is a string, else a zero-length value; `*ok` says which.
static inline amqp_bytes_t crabbitmq_field_as_bytes(const amqp_field_value_t *v, int *ok) {
    if (v->kind == AMQP_FIELD_KIND_UTF8 || v->kind == AMQP_FIELD_KIND_BYTES) { *ok = 1; return v->value.bytes; }
    *ok = 0; return amqp_empty_bytes;
}
/// The field as a signed integer when it is any integer kind; `*ok` says whether it was one.
static inline int64_t crabbitmq_field_as_int(const amqp_field_value_t *v, int *ok) {
    *ok = 1;
    switch (v->kind) {
    case AMQP_FIELD_KIND_I8: return v->value.i8;
    case AMQP_FIELD_KIND_U8: return v->value.u8;
    case AMQP_FIELD_KIND_I16: return v->value.i16;
    case AMQP_FIELD_KIND_U16: return v->value.u16;
    case AMQP_FIELD_KIND_I32: return v->value.i32;
    case AMQP_FIELD_KIND_U32: return v->value.u32;
    case AMQP_FIELD_KIND_I64: return v->value.i64;
    case AMQP_FIELD_KIND_U64: return (int64_t)v->value.u64;
    case AMQP_FIELD_KIND_TIMESTAMP: return (int64_t)v->value.u64;
    default: *ok = 0; return 0;
    }
}

#endif
