"""用 deploy/ 里的 nginx 配置在本机起一个真实的 nginx（测试和基准用），不需要 root。

部署者复制的是 deploy/*.conf 本身；这里只把 deploy/site.conf 的 listen 端口和 root 目录换掉，
其余的 include（access.conf、gzip.conf、security-headers.conf）直接读 deploy/ 里的原文件。
外面套一层与 Debian 的 /etc/nginx/nginx.conf 相同的 http 块（mime.types、gzip on ……），
pid、日志和临时目录都放在临时前缀目录里，nginx 以当前用户、单进程、前台运行。
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
MIME_TYPES = Path("/etc/nginx/mime.types")

#: 缺少 nginx 时的一句话（make test 以 root 运行时会自动安装，见 tools/system-deps.sh）
MISSING = "找不到 nginx，请先运行：apt-get install -y nginx"

#: 与 Debian 12 的 /etc/nginx/nginx.conf 中 http 块相同的设置（部署时手册的站点就在这样的 http 块里）
DEBIAN_HTTP = """\
    sendfile on;
    tcp_nopush on;
    types_hash_max_size 2048;
    include {mime_types};
    default_type application/octet-stream;
    gzip on;
"""

MAIN = """\
daemon off;
master_process off;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 256; }}
http {{
{debian_http}{log_format}
    access_log {access_log};
    client_body_temp_path {prefix}/temp/body;
    proxy_temp_path {prefix}/temp/proxy;
    fastcgi_temp_path {prefix}/temp/fastcgi;
    uwsgi_temp_path {prefix}/temp/uwsgi;
    scgi_temp_path {prefix}/temp/scgi;
{extra_http}
    include sites/handbook.conf;
}}
"""


class NginxError(RuntimeError):
    pass


def nginx_path() -> str | None:
    """Debian 把 nginx 装在 /usr/sbin（普通用户的 PATH 里可能没有）；找不到时返回 None。"""
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if os.access("/usr/sbin/nginx", os.X_OK) else None


def replace_once(text: str, pattern: str, replacement: str, what: str) -> str:
    """把 pattern 换成 replacement；deploy/site.conf 里找不到或不止一处时报错（配置改了、测试要跟着改）。"""
    new, count = re.subn(pattern, lambda _match: replacement, text, flags=re.M)
    if count != 1:
        raise NginxError(f"deploy/site.conf 里的 {what} 应当恰好一处，找到 {count} 处")
    return new


def site_config(port: int, root: Path, *, host: str = "127.0.0.1", edits=(), deploy: Path = DEPLOY) -> str:
    """deploy/site.conf，只换 listen 和 root；edits 是 (原文, 替换, 说明) 的列表，基准用来比较不同的写法。"""
    text = (deploy / "site.conf").read_text(encoding="utf-8")
    text = replace_once(text, r"^(\s*)listen 80;", f"    listen {host}:{port};", "listen 80;")
    text = replace_once(text, r"^(\s*)root /srv/handbook/site;", f"    root {root};", "root /srv/handbook/site;")
    for old, new, what in edits:
        text = replace_once(text, re.escape(old), new, what)
    return text


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as probe:
        probe.bind((host, 0))
        return probe.getsockname()[1]


class Nginx:
    """``with Nginx(root, prefix) as server:`` 在 server.url 提供 root；退出时停掉 nginx。

    edits：对 site.conf 的额外替换（见 site_config）；extra_http：加进 http 块的指令；
    debian_http=False 时不套 Debian 的 http 设置（只留 mime.types）；access_log：访问日志的格式
    （True 为 nginx 默认的 combined），日志在 prefix/logs/access.log；deploy：配置所在的目录（基准比较旧配置用）。"""

    def __init__(self, root: Path, prefix: Path, *, host: str = "127.0.0.1", edits=(), extra_http: str = "",
                 debian_http: bool = True, access_log: bool | str = False, deploy: Path = DEPLOY):
        self.root, self.prefix, self.host = Path(root), Path(prefix), host
        self.edits, self.extra_http, self.debian_http, self.access_log = edits, extra_http, debian_http, access_log
        self.deploy = Path(deploy)
        self.process: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/"

    @property
    def error_log(self) -> str:
        path = self.prefix / "logs" / "error.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    def write_config(self) -> Path:
        binary = nginx_path()
        if not binary:
            raise NginxError(MISSING)
        if not MIME_TYPES.is_file():
            raise NginxError(f"找不到 {MIME_TYPES}，请先运行：apt-get install -y nginx")
        conf = self.prefix / "conf"
        for folder in (conf / "sites", self.prefix / "logs", self.prefix / "temp"):
            folder.mkdir(parents=True, exist_ok=True)
        link = conf / "handbook"          # include handbook/x.conf 相对于 -c 所在的目录，与 /etc/nginx/ 相同
        if not link.exists():
            link.symlink_to(self.deploy, target_is_directory=True)
        (conf / "sites" / "handbook.conf").write_text(
            site_config(self.port, self.root, host=self.host, edits=self.edits, deploy=self.deploy), encoding="utf-8")
        http = DEBIAN_HTTP if self.debian_http else "    include {mime_types};\n    default_type application/octet-stream;\n"
        access_log, log_format = "off", ""
        if self.access_log:
            access_log = f"{self.prefix}/logs/access.log"
            if isinstance(self.access_log, str):
                log_format = f"    log_format handbook_test '{self.access_log}';"
                access_log += " handbook_test"
        main = conf / "nginx.conf"
        main.write_text(MAIN.format(
            prefix=self.prefix, debian_http=http.format(mime_types=MIME_TYPES), extra_http=self.extra_http,
            log_format=log_format, access_log=access_log), encoding="utf-8")
        return main

    def command(self, *extra: str) -> list[str]:
        return [nginx_path() or "nginx", "-p", str(self.prefix), "-c", str(self.prefix / "conf" / "nginx.conf"),
                "-e", str(self.prefix / "logs" / "error.log"), *extra]

    def check(self) -> subprocess.CompletedProcess:
        """nginx -t：只检查配置。"""
        self.port = self.port or free_port(self.host)
        self.write_config()
        return subprocess.run(self.command("-t"), capture_output=True, text=True, timeout=30)

    def start(self) -> "Nginx":
        for _attempt in range(3):
            self.port = free_port(self.host)
            self.write_config()
            self.process = subprocess.Popen(self.command(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                            text=True)
            if self._wait_ready():
                return self
            self.stop()
            if "Address already in use" not in self.error_log:
                break
        raise NginxError(f"nginx 没有启动：\n{self.error_log}")

    def _wait_ready(self, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                return False
            try:
                with socket.create_connection((self.host, self.port), timeout=0.5):
                    return True
            except OSError:
                time.sleep(0.05)
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def __enter__(self) -> "Nginx":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
