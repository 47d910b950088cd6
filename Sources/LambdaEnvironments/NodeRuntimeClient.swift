/// The Node.js runtime client the toolkit ships: Node's standard library only, written to disk
/// at run time and started as `node <file>` in the function's code directory. It does what
/// AWS's aws-lambda-nodejs-runtime-interface-client does (GATEWAY-REFERENCE-3 §25): loads
/// `_HANDLER` (`dir/file.fn.nested`; CommonJS or ES modules by file and `package.json`), posts
/// init errors with AWS's types and messages, runs the Runtime API loop with the `context`
/// object, async and callback handlers, and writes `console` lines as AWS formats them.
enum NodeRuntimeClient {
    /// The file's name (`.cjs`: CommonJS whatever `package.json` beside it says).
    static let fileName = "itemsapi_lambda_runtime.cjs"

    /// The source.
    static let source = #"""
        // The toolkit's Node.js runtime client for the Lambda Runtime API (2018-06-01): Node's
        // standard library only.
        'use strict';
        const net = require('net');
        const fs = require('fs');
        const path = require('path');
        const util = require('util');
        const { pathToFileURL } = require('url');

        const API = process.env.AWS_LAMBDA_RUNTIME_API;
        const BASE = '/2018-06-01/runtime/';
        const [HOST, PORT] = (() => { const i = API.lastIndexOf(':'); return [API.slice(0, i), Number(API.slice(i + 1))]; })();
        const RUNTIME = (process.env.AWS_EXECUTION_ENV || '').replace('AWS_Lambda_', '');
        const JSON_LOGS = (process.env.AWS_LAMBDA_LOG_FORMAT || '').toUpperCase() === 'JSON';
        const LEVELS = { TRACE: 0, DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4, FATAL: 5 };
        const MINIMUM = LEVELS[(process.env.AWS_LAMBDA_LOG_LEVEL || '').toUpperCase()] ?? 0;
        let requestId;  // undefined during init, as AWS prints it

        // One keep-alive connection to the Runtime API, requests pipelined (the answer to an invocation
        // and the request for the next go out in one write). The socket holds the process only while
        // an answer is awaited, so that an empty event loop can be seen while a handler runs.
        let socket = null;
        let buffer = Buffer.alloc(0);
        const waiting = [];

        function connect() {
          const connection = net.createConnection({ host: HOST, port: PORT });
          connection.setNoDelay(true);
          connection.on('data', (chunk) => {
            buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
            drain();
          });
          const lost = (error) => {
            if (socket !== connection) return;
            socket = null;
            buffer = Buffer.alloc(0);
            for (const waiter of waiting.splice(0)) waiter.reject(error || new Error('the Runtime API closed the connection'));
          };
          connection.on('error', lost);
          connection.on('close', () => lost());
          socket = connection;
        }

        function drain() {
          while (waiting.length) {
            const end = buffer.indexOf('\r\n\r\n');
            if (end < 0) return;
            const lines = buffer.subarray(0, end).toString('latin1').split('\r\n');
            const headers = {};
            for (const line of lines.slice(1)) {
              const colon = line.indexOf(':');
              if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
            }
            const length = Number(headers['content-length'] || 0);
            if (buffer.length < end + 4 + length) return;
            const body = Buffer.from(buffer.subarray(end + 4, end + 4 + length));
            buffer = buffer.subarray(end + 4 + length);
            const waiter = waiting.shift();
            if (!waiting.length && socket) socket.unref();
            if ((headers.connection || '').toLowerCase() === 'close' && socket) socket.end();
            waiter.resolve({ status: Number(lines[0].split(' ')[1]), headers, body });
          }
        }

        function send(method, route, body, headers) {
          if (!socket) connect();
          const data = body === undefined ? Buffer.alloc(0) : Buffer.from(body);
          let head = `${method} ${BASE}${route} HTTP/1.1\r\nHost: ${API}\r\nContent-Length: ${data.length}\r\n`;
          for (const [name, value] of Object.entries(headers || {})) head += `${name}: ${value}\r\n`;
          socket.ref();
          socket.write(data.length ? Buffer.concat([Buffer.from(head + '\r\n', 'latin1'), data]) : head + '\r\n');
          return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
        }

        // One request and its answer (asked again once on a fresh connection when the old one was lost).
        async function call(method, route, body, headers) {
          try {
            return await send(method, route, body, headers);
          } catch (error) {
            return send(method, route, body, headers);
          }
        }

        // An invocation's answer and the request for the next, in one write; the next invocation.
        async function answerAndNext(route, body, headers) {
          try {
            if (socket) socket.cork();
            const answered = send('POST', route, body, headers);
            const next = send('GET', 'invocation/next');
            next.catch(() => {});  // a lost connection is answered below, by asking again
            if (socket) socket.uncork();
            await answered;
            return await next;
          } catch (error) {
            return call('GET', 'invocation/next');
          }
        }

        // Logs: `timestamp\trequestId\tLEVEL\tmessage`, newlines inside a message as \r (one record per
        // line), or one JSON object per line with AWS_LAMBDA_LOG_FORMAT=JSON.
        function write(level, text) {
          if (LEVELS[level] < MINIMUM) return;
          const timestamp = new Date().toISOString();
          if (JSON_LOGS) {
            process.stdout.write(JSON.stringify({ timestamp, level, requestId, message: text }) + '\n');
          } else {
            process.stdout.write(`${timestamp}\t${requestId}\t${level}\t${text.replace(/\n/g, '\r')}\n`);
          }
        }
        for (const [method, level] of [['log', 'INFO'], ['info', 'INFO'], ['warn', 'WARN'], ['error', 'ERROR'], ['debug', 'DEBUG'], ['trace', 'TRACE'], ['fatal', 'FATAL']]) {
          console[method] = (...values) => write(level, util.format(...values));
        }

        function errorBody(error) {
          if (error instanceof Error) {
            return { errorType: error.name, errorMessage: error.message, trace: (error.stack || '').split('\n') };
          }
          if (error && typeof error === 'object' && (error.errorType || error.errorMessage)) {
            return { errorType: String(error.errorType || 'Error'), errorMessage: String(error.errorMessage || ''), trace: error.trace || [] };
          }
          return { errorType: typeof error, errorMessage: String(error), trace: [] };
        }

        class RuntimeError extends Error {
          constructor(type, message, stack) {
            super(message);
            this.name = type;
            if (stack !== undefined) this.stack = stack;
          }
        }

        async function initError(error) {
          const body = errorBody(error);
          write('ERROR', 'Uncaught Exception \t' + JSON.stringify(body));
          try {
            await call('POST', 'init/error', JSON.stringify(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': body.errorType });
          } finally {
            process.exit(1);
          }
        }

        // The module a handler names: the file without extension, `.js` (an ES module when the nearest
        // package.json says "type": "module"), `.mjs`, `.cjs`, then Node's resolution from the root.
        function isModulePackage(directory, root) {
          for (let current = directory; ; current = path.dirname(current)) {
            const file = path.join(current, 'package.json');
            if (fs.existsSync(file)) {
              try { return JSON.parse(fs.readFileSync(file, 'utf8')).type === 'module'; } catch { return false; }
            }
            if (current === root || current === path.dirname(current)) return false;
          }
        }

        async function loadModule(root, moduleName) {
          const base = path.resolve(root, moduleName);
          const isFile = (file) => { try { return fs.statSync(file).isFile(); } catch { return false; } };
          const load = async (file, esm) => (esm ? import(pathToFileURL(file).href) : require(file));
          if (isFile(base)) return load(base, false);
          if (isFile(base + '.js')) return load(base + '.js', isModulePackage(path.dirname(base), root));
          if (isFile(base + '.mjs')) return load(base + '.mjs', true);
          if (isFile(base + '.cjs')) return load(base + '.cjs', false);
          let resolved;
          try {
            resolved = require.resolve(moduleName, { paths: [root] });
          } catch (error) {
            throw new RuntimeError('Runtime.ImportModuleError', `Error: Cannot find module '${moduleName}'\nRequire stack:\n- ${__filename}`);
          }
          try {
            return require(resolved);
          } catch (error) {
            if (error && error.code === 'ERR_REQUIRE_ESM') return load(resolved, true);
            throw error;
          }
        }

        async function loadHandler() {
          const root = process.env.LAMBDA_TASK_ROOT || process.cwd();
          const name = process.env._HANDLER || '';
          if (name.includes('..')) {
            throw new RuntimeError('Runtime.MalformedHandlerName', `'${name}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`);
          }
          const slash = name.lastIndexOf('/');
          const directory = name.slice(0, slash + 1);
          const last = name.slice(slash + 1);
          const dot = last.indexOf('.');
          if (dot <= 0 || dot === last.length - 1) throw new RuntimeError('Runtime.MalformedHandlerName', 'Bad handler');
          const moduleName = directory + last.slice(0, dot);
          const property = last.slice(dot + 1);
          let module;
          try {
            module = await loadModule(root, moduleName);
          } catch (error) {
            if (error instanceof RuntimeError) throw error;
            if (error instanceof SyntaxError) throw new RuntimeError('Runtime.UserCodeSyntaxError', `${error.name}: ${error.message}`, error.stack);
            if (error && error.code === 'MODULE_NOT_FOUND') throw new RuntimeError('Runtime.ImportModuleError', `Error: ${error.message}`, error.stack);
            throw error;
          }
          let handler = module;
          for (const part of property.split('.')) handler = handler == null ? undefined : handler[part];
          if (handler === undefined) throw new RuntimeError('Runtime.HandlerNotFound', `${last} is undefined or not exported`);
          if (typeof handler !== 'function') throw new RuntimeError('Runtime.HandlerNotFound', `${last} is not a function`);
          // nodejs24.x refuses callback-style handlers (rule chosen here: a handler declaring three or
          // more parameters that is not an async function).
          if (RUNTIME === 'nodejs24.x' && handler.length >= 3 && handler.constructor.name !== 'AsyncFunction') {
            throw new RuntimeError('Runtime.CallbackHandlerDeprecated',
              'ERROR: AWS Lambda has removed support for callback-based function handlers starting with Node.js 24. You need to modify this function to use a supported handler signature to use Node.js 24 or later. For more information see https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html.');
          }
          return handler;
        }

        function context(headers, completion) {
          const deadline = Number(headers['lambda-runtime-deadline-ms'] || 0);
          const parse = (text) => { try { return text ? JSON.parse(text) : undefined; } catch { return undefined; } };
          return {
            callbackWaitsForEmptyEventLoop: true,
            functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
            functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
            invokedFunctionArn: headers['lambda-runtime-invoked-function-arn'],
            memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
            awsRequestId: headers['lambda-runtime-aws-request-id'],
            logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
            logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
            identity: parse(headers['lambda-runtime-cognito-identity']),
            clientContext: parse(headers['lambda-runtime-client-context']),
            getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
            done: (error, result) => completion(error, result, true),
            succeed: (result) => completion(null, result, true),
            fail: (error) => completion(error || 'handled', undefined, true),
          };
        }

        // One invocation: settles when the handler's promise settles, its callback or context.done is
        // called (a callback's result waits for the event loop to empty unless
        // callbackWaitsForEmptyEventLoop is false); only the first completion counts.
        function invoke(handler, event, headers) {
          return new Promise((resolve) => {
            let settled = false;
            let waiting = false;
            const finish = (error, result) => { if (!settled) { settled = true; resolve({ error, result }); } };
            const completion = (error, result, immediately) => {
              if (settled || waiting) {
                console.warn('Invocation has already been reported as done. Cannot call complete more than once per invocation.');
                return;
              }
              if (error !== null && error !== undefined) return finish(error);
              if (immediately || !ctx.callbackWaitsForEmptyEventLoop) return finish(null, result);
              waiting = true;
              process.once('beforeExit', () => finish(null, result));
            };
            const ctx = context(headers, completion);
            const callback = (error, result) => completion(error, result, false);
            let returned;
            try {
              returned = handler(event, ctx, callback);
            } catch (error) {
              return finish(error);
            }
            if (returned && typeof returned.then === 'function') {
              returned.then((result) => { if (!settled && !waiting) finish(null, result); }, (error) => { if (!settled && !waiting) finish(error === undefined ? new Error('undefined') : error); });
            } else {
              // Neither a promise nor (yet) a completion: as AWS, the invocation ends with null once
              // the event loop is empty, unless the callback or context completes it first.
              process.once('beforeExit', () => finish(null, undefined));
            }
          });
        }

        async function main() {
          let handler;
          let initializing = true;
          // As AWS's runtime client: the error is the invocation's answer, then the process ends
          // (129 for an uncaught exception, 128 for an unhandled rejection).
          const failInvocation = (error, status) => {
            const body = errorBody(error);
            call('POST', `invocation/${requestId}/error`, JSON.stringify(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': body.errorType })
              .then(() => process.exit(status), () => process.exit(status));
          };
          process.on('uncaughtException', (error) => {
            if (initializing) return initError(error);
            write('ERROR', 'Uncaught Exception \t' + JSON.stringify(errorBody(error)));
            failInvocation(error, 129);
          });
          process.on('unhandledRejection', (reason) => {
            // The reason as text (`Error: yikes`), with the stack of where the rejection was seen.
            const message = reason === undefined || reason === null ? '' : String(reason);
            const frames = (new Error().stack || '').split('\n').slice(1).join('\n');
            const error = new RuntimeError('Runtime.UnhandledPromiseRejection', message, `Runtime.UnhandledPromiseRejection: ${message}\n${frames}`);
            if (initializing) return initError(error);
            write('ERROR', 'Unhandled Promise Rejection \t' + JSON.stringify(errorBody(error)));
            failInvocation(error, 128);
          });
          try {
            handler = await loadHandler();
          } catch (error) {
            return initError(error);
          }
          initializing = false;
          let next = await call('GET', 'invocation/next');
          for (;;) {
            if (next.status !== 200) {
              process.stdout.write(`runtime: invocation/next answered ${next.status}\n`);
              process.exit(1);
            }
            const headers = next.headers;
            requestId = headers['lambda-runtime-aws-request-id'];
            if (headers['lambda-runtime-trace-id']) process.env._X_AMZN_TRACE_ID = headers['lambda-runtime-trace-id'];
            else delete process.env._X_AMZN_TRACE_ID;
            let event;
            try {
              event = next.body.length ? JSON.parse(next.body.toString('utf8')) : {};
            } catch (failure) {
              next = await answerAndNext(...errorAnswer(new RuntimeError('Runtime.UnmarshalError', `Unable to unmarshal input: ${failure.message}`)));
              continue;
            }
            let answer;
            try {
              const { error, result } = await invoke(handler, event, headers);
              if (error !== null && error !== undefined) {
                answer = errorAnswer(error);
              } else {
                let payload;
                try {
                  payload = JSON.stringify(result === undefined ? null : result);
                } catch (failure) {
                  throw new RuntimeError('Runtime.MarshalError', `Unable to stringify response body as json: ${failure.message}`);
                }
                answer = [`invocation/${requestId}/response`, payload, { 'Content-Type': 'application/json' }];
              }
            } catch (failure) {
              answer = errorAnswer(failure);
            }
            next = await answerAndNext(...answer);
          }
        }

        // The error answer for the current invocation (and its `Invoke Error` log line).
        function errorAnswer(error) {
          const body = errorBody(error);
          write('ERROR', 'Invoke Error \t' + JSON.stringify(body));
          return [`invocation/${requestId}/error`, JSON.stringify(body), { 'Content-Type': 'application/json', 'Lambda-Runtime-Function-Error-Type': body.errorType }];
        }

        main();

        """#
}
