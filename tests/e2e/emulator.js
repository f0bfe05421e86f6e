#!/usr/bin/env node
// Launcher for the Telegram Bot API emulator used by the end-to-end tests.
//
// Starts `telegram-test-api` 4.2.1 on a loopback port and puts our own routes in front of the
// stock ones on its express app, so that an aiogram 3 bot can run against it unchanged:
//   - getMe with `is_bot` (aiogram validates the User model at start-up);
//   - getUpdates with long polling (`timeout` honoured) and real `offset` semantics: an update is
//     only dropped once the bot confirms it with a higher offset, so a bot killed with -9 gets it
//     again after restart, like on Telegram;
//   - updates formatted as valid Bot API objects (callback queries keep `chat_instance`);
//   - sendMessage / editMessageText / editMessageReplyMarkup answer with a full Message (an edited
//     text without `reply_markup` loses its keyboard, as on Telegram);
//   - answerCallbackQuery, sendChatAction, setMyCommands, getMyCommands, deleteMyCommands,
//     deleteWebhook, getWebhookInfo, setChatMenuButton, close, logOut answer with real values;
//   - flood control: POST /_control/flood {method, count, retry_after} makes the next `count`
//     calls of `method` ("*" = any) answer HTTP 429 with `parameters.retry_after`;
//   - faults: POST /_control/fault {method, count, status, delay_ms} makes the next `count` calls
//     of `method` wait `delay_ms` first (a slow or timed-out Telegram) and/or answer HTTP
//     `status` (e.g. 502) without doing anything;
//   - files: POST /_control/file {file_id, data (base64), file_path?} stores a file (e.g. the
//     audio of a voice message a test user sends); getFile answers with its File object and
//     GET /file/bot<token>/<file_path> serves its bytes, as the Bot API does; a test user's
//     document: POST /_control/upload {name, content_b64} stores it and answers the Document to
//     send; sendDocument and sendPhoto (multipart/form-data, `attach://` as aiogram sends files)
//     store the file and a bot message with `document` / `photo` (the caption as its text);
//     GET /_control/file/<file_id> gives any stored file back to the test.
// Control endpoints for the tests: GET /_control/health, GET /_control/stats,
// POST /_control/flood, POST /_control/fault, POST /_control/file, POST /_control/reset, and for
// load generators POST /_control/drain {token, timeout_ms}: every bot message of that token (all
// chats) sent since the last drain, long-polled (one poller for many simulated users).
//
// Usage: node emulator.js [port] (or PORT=...); prints one JSON line {"ready":true,"port":N}
// on stdout when listening. Never edit node_modules: everything is done from here.

'use strict';

const net = require('net');

const express = require('express');
const TelegramServer = require('telegram-test-api');

const port = Number(process.argv[2] || process.env.PORT || 0);
const host = process.env.HOST || '127.0.0.1';

const BOT_USER = {
  id: 666,
  is_bot: true,
  first_name: 'Test First name',
  username: 'TestNameBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
};

const USER_EVENTS = ['AddedUserMessage', 'AddedUserCommand', 'AddedUserCallbackQuery'];

function makeServer(listenPort) {
  // storeTimeout is in seconds; keep everything for the life of a test run.
  const server = new TelegramServer({ port: listenPort, host, storeTimeout: 24 * 3600 });
  const app = server.webServer;
  const state = {
    floods: [], // {method, count, retry_after}
    faults: [], // {method, count, status, delay_ms}
    faultAnswers: 0,
    drained: {}, // token -> index into botMessages already drained
    calls: {}, // method -> count of bot API calls
    floodAnswers: 0,
    commands: {}, // token -> [{command, description}]
    nextFile: 1,
    confirmed: {}, // token -> highest confirmed offset
    files: {}, // file_id -> {file_path, data: Buffer, name?}
  };

  const seconds = (millis) => Math.floor(millis / 1000);

  function parseJson(value) {
    if (typeof value === 'string') {
      try {
        return JSON.parse(value);
      } catch (_e) {
        return value;
      }
    }
    return value;
  }

  function sentMessage(stored) {
    // A Bot API Message for a message the bot sent (stored by telegram-test-api).
    const m = stored.message;
    const markup = parseJson(m.reply_markup);
    const result = {
      message_id: stored.messageId,
      from: BOT_USER,
      date: seconds(stored.time),
      chat: { id: Number(m.chat_id), type: 'private', first_name: 'User' },
      text: m.text,
    };
    if (markup && markup.inline_keyboard) result.reply_markup = markup;
    if (m.entities) result.entities = parseJson(m.entities);
    if (stored.edited) result.edit_date = seconds(stored.edited);
    return result;
  }

  function formatUpdate(update) {
    if ('callbackQuery' in update) {
      const cb = update.callbackQuery;
      const message = cb.message ? { ...cb.message } : undefined;
      if (message) delete message.botToken;
      return {
        update_id: update.updateId,
        callback_query: {
          id: String(update.callbackId),
          from: cb.from,
          message,
          chat_instance: String(cb.chat_instance || (message && message.chat && message.chat.id) || '0'),
          data: cb.data,
        },
      };
    }
    const message = { ...update.message, message_id: update.messageId };
    delete message.botToken;
    if (message.date > 1e11) message.date = seconds(message.date);
    return { update_id: update.updateId, message };
  }

  function pending(token, offset) {
    return server.storage.userMessages.filter(
      (u) => u.botToken === token && !u.isRead && u.updateId >= offset,
    );
  }

  function confirm(token, offset) {
    if (!offset) return;
    state.confirmed[token] = Math.max(state.confirmed[token] || 0, offset);
    server.storage.userMessages.forEach((u) => {
      if (u.botToken === token && u.updateId < offset) u.isRead = true;
    });
  }

  function storeFile(name, data) {
    const fileId = `F${state.nextFile}x${Date.now()}`;
    state.nextFile += 1;
    state.files[fileId] = { name, data, file_path: `documents/${fileId}` };
    return { file_id: fileId, file_unique_id: `U${fileId}`, file_size: data.length, file_name: name };
  }

  function parseMultipart(req) {
    // A small multipart/form-data reader: fields as strings, files as {filename, data}.
    const type = req.headers['content-type'] || '';
    const match = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(type);
    const out = { fields: {}, files: {} };
    if (!match || !Buffer.isBuffer(req.body)) return out;
    const boundary = Buffer.from(`--${match[1] || match[2]}`);
    const body = req.body;
    let start = body.indexOf(boundary);
    while (start !== -1) {
      const next = body.indexOf(boundary, start + boundary.length);
      if (next === -1) break;
      const part = body.subarray(start + boundary.length + 2, next - 2); // skip CRLF around
      const split = part.indexOf('\r\n\r\n');
      if (split !== -1) {
        const head = part.subarray(0, split).toString('utf8');
        const data = part.subarray(split + 4);
        const name = /name="([^"]+)"/i.exec(head);
        const filename = /filename="([^"]*)"/i.exec(head);
        if (name && filename) out.files[name[1]] = { filename: filename[1], data };
        else if (name) out.fields[name[1]] = data.toString('utf8');
      }
      start = next;
    }
    return out;
  }

  const routes = [];
  const bot = (method, handler) => routes.push([`/bot:token/${method}`, method, handler]);

  // Flood control and call counting for every bot method (registered first of all).
  routes.push(['/bot:token/:method', null, (req, res, next) => {
    const { method } = req.params;
    state.calls[method] = (state.calls[method] || 0) + 1;
    const fault = state.faults.find((f) => f.count > 0 && (f.method === '*' || f.method === method));
    if (fault) {
      fault.count -= 1;
      state.faultAnswers += 1;
      const act = () => {
        if (fault.status) {
          res.status(fault.status).json({ ok: false, error_code: fault.status, description: 'Bad Gateway' });
        } else {
          next();
        }
      };
      if (fault.delay_ms) setTimeout(act, fault.delay_ms); else act();
      return;
    }
    const flood = state.floods.find((f) => f.count > 0 && (f.method === '*' || f.method === method));
    if (flood) {
      flood.count -= 1;
      state.floodAnswers += 1;
      res.status(429).json({
        ok: false,
        error_code: 429,
        description: `Too Many Requests: retry after ${flood.retry_after}`,
        parameters: { retry_after: flood.retry_after },
      });
      return;
    }
    next();
  }]);

  bot('getMe', (_req, res) => res.json({ ok: true, result: BOT_USER }));

  function sendFile(field) {
    return [express.raw({ type: 'multipart/form-data', limit: '30mb' }), (req, res) => {
      const { token } = req.params;
      const { fields, files } = parseMultipart(req);
      // aiogram sends the file under a name of its own and `document=attach://<name>`
      const attached = /^attach:\/\/(.+)$/.exec(fields[field] || '');
      const upload = attached ? files[attached[1]] : files[field];
      if (!fields.chat_id || !upload) {
        res.status(400).json({ ok: false, error_code: 400, description: `Bad Request: no ${field}` });
        return;
      }
      const meta = storeFile(upload.filename, upload.data);
      const message = { chat_id: fields.chat_id, text: fields.caption || '', [field]: meta };
      if (fields.reply_markup) message.reply_markup = fields.reply_markup;
      server.addBotMessage(message, token);
      const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
      const result = sentMessage(stored);
      delete result.text;
      result.caption = fields.caption || '';
      result[field] = field === 'photo' ? [{ ...meta, width: 1, height: 1 }] : meta;
      res.json({ ok: true, result });
    }];
  }
  routes.push(['/bot:token/sendDocument', 'sendDocument', sendFile('document')]);
  routes.push(['/bot:token/sendPhoto', 'sendPhoto', sendFile('photo')]);

  bot('getUpdates', (req, res) => {
    const { token } = req.params;
    const args = { ...req.query, ...req.body };
    const offset = Number(args.offset || 0);
    const limit = Number(args.limit || 100);
    const timeout = Math.min(Number(args.timeout || 0), 50);
    confirm(token, offset);
    const answer = () => {
      const updates = pending(token, offset).slice(0, limit).map(formatUpdate);
      res.json({ ok: true, result: updates });
    };
    if (pending(token, offset).length || timeout <= 0) {
      answer();
      return;
    }
    let timer = null;
    const done = () => {
      USER_EVENTS.forEach((e) => server.off(e, onEvent));
      if (timer) clearTimeout(timer);
      timer = null;
    };
    const onEvent = () => {
      if (!pending(token, offset).length) return;
      done();
      answer();
    };
    USER_EVENTS.forEach((e) => server.on(e, onEvent));
    timer = setTimeout(() => {
      done();
      answer();
    }, timeout * 1000);
    res.on('close', done);
  });

  bot('sendMessage', (req, res) => {
    const { token } = req.params;
    if (!req.body.chat_id || req.body.text === undefined || req.body.text === '') {
      res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message text is empty' });
      return;
    }
    if (String(req.body.text).length > 4096) {
      res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message is too long' });
      return;
    }
    server.addBotMessage(req.body, token);
    const stored = server.storage.botMessages[server.storage.botMessages.length - 1];
    res.json({ ok: true, result: sentMessage(stored) });
  });

  function edit(kind) {
    return (req, res) => {
      const body = { ...req.body };
      const stored = server.storage.botMessages.find(
        (u) => String(u.messageId) === String(body.message_id)
          && String(u.message.chat_id) === String(body.chat_id),
      );
      if (!stored) {
        res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: message to edit not found' });
        return;
      }
      if (kind === 'text') {
        // like Telegram: an edited text without `reply_markup` loses its inline keyboard
        if (body.reply_markup === undefined) stored.message = { ...stored.message, reply_markup: undefined };
        server.editMessageText(body);
      } else {
        // The stock one ignores an empty markup; an edit that removes the keyboard must work too.
        const markup = parseJson(body.reply_markup);
        stored.message = { ...stored.message, reply_markup: markup || undefined };
        server.emit('EditedMessageReplyMarkup');
      }
      stored.edited = Date.now();
      stored.isRead = false; // the user side sees the edited message again
      res.json({ ok: true, result: sentMessage(stored) });
    };
  }
  bot('editMessageText', edit('text'));
  bot('editMessageReplyMarkup', edit('markup'));

  bot('getFile', (req, res) => {
    const args = { ...req.query, ...req.body };
    const file = state.files[args.file_id];
    if (!file) {
      res.status(400).json({ ok: false, error_code: 400, description: 'Bad Request: invalid file_id' });
      return;
    }
    res.json({
      ok: true,
      result: {
        file_id: args.file_id, file_unique_id: `u${args.file_id}`, file_size: file.data.length,
        file_path: file.file_path,
      },
    });
  });
  routes.push(['/file/bot:token/*', null, (req, res) => {
    const path = req.params[0];
    const file = Object.values(state.files).find((f) => f.file_path === path);
    if (!file) {
      res.status(404).send('Not Found');
      return;
    }
    res.type('application/octet-stream').send(file.data);
  }]);

  const ok = (result) => (_req, res) => res.json({ ok: true, result });
  bot('answerCallbackQuery', ok(true));
  bot('sendChatAction', ok(true));
  bot('setChatMenuButton', ok(true));
  bot('close', ok(true));
  bot('logOut', ok(true));
  bot('setMyDescription', ok(true));
  bot('setMyShortDescription', ok(true));
  bot('getWebhookInfo', ok({ url: '', has_custom_certificate: false, pending_update_count: 0 }));
  bot('deleteWebhook', (req, res) => {
    server.deleteWebhook(req.params.token);
    res.json({ ok: true, result: true });
  });
  bot('setMyCommands', (req, res) => {
    state.commands[req.params.token] = parseJson(req.body.commands) || [];
    res.json({ ok: true, result: true });
  });
  bot('getMyCommands', (req, res) => res.json({ ok: true, result: state.commands[req.params.token] || [] }));
  bot('deleteMyCommands', (req, res) => {
    delete state.commands[req.params.token];
    res.json({ ok: true, result: true });
  });

  // Control endpoints for the tests.
  routes.push(['/_control/health', null, (_req, res) => res.json({ ok: true })]);
  routes.push(['/_control/stats', null, (_req, res) => res.json({
    ok: true,
    result: {
      calls: state.calls,
      flood_answers: state.floodAnswers,
      floods: state.floods,
      fault_answers: state.faultAnswers,
      commands: state.commands,
      user_updates: server.storage.userMessages.length,
      bot_messages: server.storage.botMessages.length,
    },
  })]);
  routes.push(['/_control/flood', null, (req, res) => {
    const { method = '*', count = 1, retry_after: retryAfter = 1 } = req.body;
    state.floods.push({ method, count: Number(count), retry_after: Number(retryAfter) });
    res.json({ ok: true, result: true });
  }]);
  routes.push(['/_control/file', null, (req, res) => {
    const { file_id: fileId, data, file_path: filePath } = req.body;
    state.files[fileId] = { file_path: filePath || `voice/${fileId}.oga`, data: Buffer.from(data, 'base64') };
    res.json({ ok: true, result: true });
  }]);
  routes.push(['/_control/fault', null, (req, res) => {
    const { method = '*', count = 1, status = 0, delay_ms: delayMs = 0 } = req.body;
    state.faults.push({ method, count: Number(count), status: Number(status), delay_ms: Number(delayMs) });
    res.json({ ok: true, result: true });
  }]);
  routes.push(['/_control/drain', null, (req, res) => {
    const { token, timeout_ms: timeoutMs = 0 } = req.body;
    const take = () => {
      const all = server.storage.botMessages;
      const from = state.drained[token] || 0;
      const out = [];
      for (let i = from; i < all.length; i += 1) {
        const m = all[i];
        if (m.botToken !== token) continue;
        const markup = parseJson(m.message.reply_markup);
        out.push({
          chat_id: Number(m.message.chat_id),
          message_id: m.messageId,
          text: m.message.text,
          buttons: (markup && markup.inline_keyboard) || [],
        });
      }
      state.drained[token] = all.length;
      return out;
    };
    const first = take();
    if (first.length || !timeoutMs) {
      res.json({ ok: true, result: first });
      return;
    }
    let timer = null;
    const done = () => {
      server.off('AddedBotMessage', onMessage);
      if (timer) clearTimeout(timer);
      timer = null;
    };
    const onMessage = () => {
      done();
      setImmediate(() => res.json({ ok: true, result: take() }));
    };
    server.on('AddedBotMessage', onMessage);
    timer = setTimeout(() => {
      done();
      res.json({ ok: true, result: take() });
    }, Number(timeoutMs));
    res.on('close', done);
  }]);
  routes.push(['/_control/upload', null, (req, res) => {
    const { name = 'file', content_b64: content = '' } = req.body;
    res.json({ ok: true, result: storeFile(name, Buffer.from(content, 'base64')) });
  }]);
  routes.push(['/_control/file/:fileId', null, (req, res) => {
    const file = state.files[req.params.fileId];
    if (!file) {
      res.status(404).json({ ok: false });
      return;
    }
    res.json({ ok: true, result: { name: file.name || file.file_path, content_b64: file.data.toString('base64') } });
  }]);
  routes.push(['/_control/reset', null, (_req, res) => {
    server.storage.userMessages = [];
    server.storage.botMessages = [];
    state.floods = [];
    state.faults = [];
    state.drained = {};
    state.calls = {};
    state.floodAnswers = 0;
    res.json({ ok: true, result: true });
  }]);

  // Register with express, then move our layers in front of the stock routes (right after the
  // body parsers and the request logger, which the stock constructor installed first).
  const stack = app._router.stack;
  const before = stack.length;
  routes.forEach(([path, , handler]) => app.all(path, handler));
  const ours = stack.splice(before, stack.length - before);
  const firstRoute = stack.findIndex((layer) => layer.route);
  stack.splice(firstRoute === -1 ? stack.length : firstRoute, 0, ...ours);

  return server;
}

function freePort() {
  // telegram-test-api turns port 0 into 9000, so a free port is picked here first.
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, host, () => {
      const { port: found } = probe.address();
      probe.close(() => resolve(found));
    });
  });
}

async function main() {
  const listenPort = port || (await freePort());
  const server = makeServer(listenPort);
  await server.start();
  process.stdout.write(`${JSON.stringify({ ready: true, port: listenPort })}\n`);

  // Long-polling requests would hold a graceful shutdown for their whole timeout: just exit.
  const stop = () => process.exit(0);
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
