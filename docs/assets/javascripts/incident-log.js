/*
 * 事件记录在每一页上的部分：
 *   - 有进行中的事件记录时，把手册里各组件发出的 handbook:action 事件（判断树的回答、检查单的勾选、
 *     演练控制台的操作……，见 core.js 的 announce）记进时间线；没有进行中的记录时什么也不做。
 *   - 有进行中的事件记录时，在正文上方显示一行不显眼的提示，链接到事件记录页（记录页本身不显示）。
 *   - 给记录页（incident-record.js）提供读写记录的接口 window.HandbookIncidentLog：
 *     load()、update(改动函数)、device()、setWho(名字)、onChange(回调)、persistent()。
 * 存储格式和键见 incident-state.js 开头的说明。提示的文字和记录页的地址由构建放进每页的 .hb-widget-text
 * （data/widget_text.yml 的 incident.indicator，macros/hooks/config.py）。
 */
(function () {
  "use strict";
  const H = window.HandbookCore;
  const S = window.HandbookIncidentState;
  if (!H || !S || window.HandbookIncidentLog) return;

  const NAME = "事件记录提示";
  const listeners = [];
  let seen = null; // 本标签页最近一次读到或写入的记录，用于在 storage 事件时按条目编号合并
  let restored = false; // 存储里的记录坏了、已另存为备份

  function readStored() {
    const result = H.store.load(S.KEY, S.parseStored, S.BACKUP_KEY);
    if (result.status === "corrupt") restored = true;
    return { incident: result.incident, corrupt: result.status === "corrupt" };
  }

  function notify(reason) {
    const incident = load();
    listeners.forEach((fn) => {
      try {
        fn(incident, reason);
      } catch (err) {
        H.report(NAME, err);
      }
    });
    refreshFlags(incident);
  }

  function load() {
    const got = readStored();
    seen = got.incident;
    return got.incident;
  }

  function write(incident) {
    H.store.write(S.KEY, JSON.stringify(incident));
    seen = incident;
  }

  /** 改记录：先读存储里最新的一份，交给 fn，返回值与读到的不同时写回。fn 返回新对象，不改参数。 */
  function update(fn) {
    const current = load();
    const next = fn(current);
    if (!next || next === current) return current;
    write(next);
    notify("local");
    return seen;
  }

  let cachedDevice = null;

  function device() {
    if (cachedDevice) return cachedDevice;
    const got = S.parseDevice(H.store.read(S.DEVICE_KEY));
    let dev = got.device;
    if (!dev) {
      const random = window.crypto && window.crypto.getRandomValues
        ? () => window.crypto.getRandomValues(new Uint32Array(1))[0] / 4294967296
        : Math.random;
      dev = { id: S.newId("d", Date.now(), random), who: "" };
      H.store.write(S.DEVICE_KEY, JSON.stringify(dev));
    }
    cachedDevice = dev;
    return dev;
  }

  function setWho(who) {
    const dev = Object.assign({}, device(), { who: H.collapse(who) });
    H.store.write(S.DEVICE_KEY, JSON.stringify(dev));
    cachedDevice = dev;
    return dev;
  }

  // ------------------------------------------------------------------ 自动记录

  document.addEventListener("handbook:action", (event) => {
    const detail = event.detail || {};
    if (!S.isOpen(readStored().incident) || typeof detail.text !== "string" || !detail.text) return;
    const text = uiText();
    const dev = device();
    const page = H.pageTitle();
    update((incident) => S.addEntry(incident, {
      kind: "action", who: dev.who, device: dev.id, widget: String(detail.widget || ""),
      action: String(detail.kind || ""), page: String(detail.page || ""),
      text: text ? S.fill(text.action_text, { text: detail.text, page: page }) : detail.text + "（" + page + "）",
    }, { now: Date.now() }));
  });

  // 别的标签页改了记录：丢掉内存里的旧值，按条目编号合并；本页有而存储里没有的条目（写入竞争）写回去
  window.addEventListener("storage", (event) => {
    if (event.key !== null && event.key !== S.KEY && event.key !== S.DEVICE_KEY) return;
    H.store.forget(S.KEY);
    H.store.forget(S.DEVICE_KEY);
    cachedDevice = null;
    const before = seen;
    const incoming = readStored().incident;
    const merged = S.mergeIncident(before, incoming);
    if (merged && incoming && merged.id === incoming.id && merged.entries.length > incoming.entries.length) {
      write(merged);
    } else {
      seen = incoming;
    }
    notify("other-tab");
  });

  // ------------------------------------------------------------------ 每页的提示

  /** 每页 .hb-widget-text 里的 incident 一节：{label, link, next_due, overdue, href, levels, action_text}。 */
  function uiText() {
    const holder = document.querySelector(".hb-widget-text");
    const data = holder ? H.parseJSON(holder.getAttribute("data-hb-text"), null) : null;
    return data && data.incident && typeof data.incident.label === "string" ? data.incident : null;
  }

  const flags = [];

  function refreshFlags(incident) {
    for (let i = flags.length - 1; i >= 0; i--) {
      if (!flags[i].isConnected) flags.splice(i, 1);
    }
    flags.forEach((flag) => drawFlag(flag, incident || load()));
  }

  function drawFlag(flag, incident) {
    const text = uiText();
    if (!text || !S.isOpen(incident) || document.querySelector(".hb-record")) {
      flag.hidden = true;
      flag.textContent = "";
      return;
    }
    const levels = text.levels || {};
    const level = levels[incident.severity] || {};
    flag.textContent = "";
    const link = H.el("a", { href: new URL(text.href, H.siteRoot).href },
      S.fill(text.label, { title: incident.title, severity: level.label || incident.severity }));
    flag.appendChild(link);
    const next = S.nextUpdate(incident, levels, Date.now());
    if (next && next.due) {
      const due = H.formatTime(next.due).slice(11);
      flag.appendChild(H.el("span", { className: "hb-incident-flag__due" + (next.overdue ? " hb-incident-flag__due--late" : "") },
        S.fill(next.overdue ? text.overdue : text.next_due, { due: due })));
    }
    flag.hidden = false;
  }

  H.register({
    name: NAME,
    selector: "article.md-content__inner",
    mount(article) {
      const flag = H.el("p", { className: "hb-incident-flag", hidden: "" });
      article.insertBefore(flag, article.firstChild);
      flags.push(flag);
      drawFlag(flag, load());
    },
  });

  // 通报时间到了，提示要变成“已超时”：每分钟重画一次
  setInterval(() => {
    if (flags.length) refreshFlags();
  }, 60000);

  window.HandbookIncidentLog = {
    load: load,
    update: update,
    device: device,
    setWho: setWho,
    persistent: () => H.store.persistent,
    restored: () => restored,
    onChange(fn) {
      listeners.push(fn);
    },
  };
})();
