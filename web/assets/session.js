// The warning before the session's idle time-out. Two minutes before the
// server ends an idle session the warning appears with "stay logged in",
// which asks the server for nothing but the request itself (every request of
// a logged-in user starts the idle time again). When the time has run out
// the warning says so: what the user typed in a long form is kept by the
// server when they save (web/draft.go), so they can save and log in again.
(() => {
  'use strict';
  const box = document.querySelector('.casus-idle');
  if (!box) return;
  const idle = Number(box.dataset.idle) * 1000;
  const lead = Math.min(120000, idle / 4);
  const text = box.querySelector('.casus-idle__text');
  const stay = box.querySelector('.casus-idle__stay');
  let warn, end;

  const arm = () => {
    clearTimeout(warn);
    clearTimeout(end);
    box.hidden = true;
    warn = setTimeout(() => { box.hidden = false; }, idle - lead);
    end = setTimeout(() => {
      text.textContent = box.dataset.expired;
      stay.hidden = true;
      box.hidden = false;
    }, idle);
  };

  stay.addEventListener('click', async () => {
    try {
      const res = await fetch('/session/keepalive', {method: 'POST', credentials: 'same-origin'});
      if (res.ok) arm();
    } catch (e) {
      // Offline: the warning stays up; the server keeps a draft on save.
    }
  });
  arm();
})();
