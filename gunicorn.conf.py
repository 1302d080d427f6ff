"""gunicorn settings for Practice Exchange: one gevent worker per process.

One worker per process because Socket.IO keeps each client's connection state in the
process that accepted it; scale out with more processes behind a sticky load balancer and
REDIS_URL set (see README). gevent serves hundreds of websockets in one worker.
"""

import os

os.environ.setdefault("SOCKETIO_ASYNC_MODE", "gevent")

bind = os.environ.get("FORUM_BIND", "127.0.0.1:5000")
worker_class = "gevent"
workers = 1
worker_connections = int(os.environ.get("FORUM_WORKER_CONNECTIONS", "2000"))
timeout = 60
graceful_timeout = 10
keepalive = 5
accesslog = os.environ.get("FORUM_ACCESS_LOG", "-")
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# gunicorn's control socket lives at one path per user: several forum processes on one
# machine (scale-out, tests, benchmarks) would fight over it, and nothing here uses it.
control_socket_disable = True


def post_request(worker, req, environ, resp):
    """Yield to other greenlets after every request.

    gunicorn's async worker serves a keep-alive connection's next request without yielding
    when it has already arrived, so one busy client could hold the only worker while others
    waited seconds (bench/http_pages.py measured p99 of 1.5-3 s at 16 clients; with this,
    about 0.3 s and fair shares per client).
    """
    import gevent

    gevent.sleep(0)
