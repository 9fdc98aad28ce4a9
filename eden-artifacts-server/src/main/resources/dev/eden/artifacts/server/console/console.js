// The eden-artifacts operator console. Plain script, no dependencies, no build step.
// Everything the server sends (filenames, content types, depositors) is untrusted: it reaches the
// page only through textContent, value and setAttribute of inert attributes, never as markup.
'use strict';
(function () {
  var STORAGE_KEY = 'eden-artifacts.console.bearer';
  var PAGE_SIZE = 50;
  var API = '../admin/v1/experiments';

  var state = {
    bearer: null,
    experiment: null,
    depositor: '',
    cursors: [null], // the cursor each visited page was read from; the last one is the current page
    nextCursor: null
  };

  function $(id) {
    return document.getElementById(id);
  }

  function text(tag, value, className) {
    var element = document.createElement(tag);
    element.textContent = value;
    if (className) {
      element.className = className;
    }
    return element;
  }

  // ---- formatting ------------------------------------------------------------------------------

  function humanSize(bytes) {
    if (bytes < 1024) {
      return bytes + ' B';
    }
    var units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    var value = bytes;
    var unit = -1;
    do {
      value /= 1024;
      unit++;
    } while (value >= 1024 && unit < units.length - 1);
    return (value < 10 ? value.toFixed(1) : Math.round(value).toString()) + ' ' + units[unit];
  }

  function plural(n, word) {
    return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
  }

  function shortTime(createdAt) {
    // 2026-01-02T03:04:05.678Z -> 2026-01-02 03:04:05
    return String(createdAt).replace('T', ' ').replace(/\.\d+Z$/, '').replace(/Z$/, '');
  }

  // ---- talking to the server -------------------------------------------------------------------

  function ApiError(status, message) {
    this.status = status;
    this.message = message;
  }

  function request(url, extraHeaders) {
    var headers = { 'Authorization': 'Bearer ' + state.bearer };
    if (extraHeaders) {
      Object.keys(extraHeaders).forEach(function (name) {
        headers[name] = extraHeaders[name];
      });
    }
    return fetch(url, {
      headers: headers,
      cache: 'no-store',
      credentials: 'omit',
      redirect: 'error',
      referrerPolicy: 'no-referrer'
    }).then(function (response) {
      if (response.ok) {
        return response;
      }
      return response.json().then(function (problem) {
        var detail = problem && problem.detail ? ': ' + problem.detail : '';
        var title = problem && problem.title ? problem.title : 'HTTP ' + response.status;
        throw new ApiError(response.status, response.status + ' ' + title + detail);
      }, function () {
        throw new ApiError(response.status, 'HTTP ' + response.status);
      });
    });
  }

  function getJson(url) {
    return request(url, { 'Accept': 'application/json' }).then(function (response) {
      return response.json();
    });
  }

  function experimentUrl(suffix) {
    return API + '/' + encodeURIComponent(state.experiment) + suffix;
  }

  // ---- signing in and out ----------------------------------------------------------------------

  function showSignIn(message) {
    state.bearer = null;
    try {
      sessionStorage.removeItem(STORAGE_KEY);
    } catch (e) {
      // storage disabled: nothing was kept
    }
    $('console').hidden = true;
    $('sign-out').hidden = true;
    $('who').textContent = '';
    $('sign-in').hidden = false;
    $('rows').replaceChildren();
    $('sign-in-error').textContent = message || '';
    $('sign-in-error').hidden = !message;
    $('bearer').focus();
  }

  function signIn(bearer) {
    bearer = bearer.trim().replace(/^Bearer\s+/i, '');
    if (bearer.indexOf(':') < 1) {
      showSignIn('A bearer has the form principal:secret, for example admin:<token>.');
      return Promise.resolve();
    }
    state.bearer = bearer;
    $('sign-in-button').disabled = true;
    return getJson(API).then(function (body) {
      try {
        sessionStorage.setItem(STORAGE_KEY, bearer);
      } catch (e) {
        // storage disabled: the bearer lives until the page is left
      }
      $('bearer').value = '';
      $('sign-in').hidden = true;
      $('sign-in-error').hidden = true;
      $('console').hidden = false;
      $('sign-out').hidden = false;
      $('who').textContent = 'signed in as ' + bearer.substring(0, bearer.indexOf(':'));
      var select = $('experiment');
      select.replaceChildren();
      body.experiments.forEach(function (id) {
        select.appendChild(new Option(id, id));
      });
      state.experiment = body.experiments[0];
      select.value = state.experiment;
      return reload();
    }, function (error) {
      if (error instanceof ApiError && error.status === 401) {
        showSignIn('The server refused this bearer (401): check the principal and the secret.');
      } else if (error instanceof ApiError && error.status === 403) {
        showSignIn('This bearer is valid but not admin-class (403): only the admin or a member of '
            + 'the admins group may use the console.');
      } else {
        showSignIn('Could not sign in: ' + (error.message || error));
      }
    }).finally(function () {
      $('sign-in-button').disabled = false;
    });
  }

  // ---- summary ---------------------------------------------------------------------------------

  // Each load is numbered; an answer that arrives after a newer request was made (a quick click on
  // Next, another experiment or depositor) is dropped, so the page never mixes two selections.
  var summaryLoads = 0;
  var pageLoads = 0;

  function loadSummary() {
    var load = ++summaryLoads;
    return getJson(experimentUrl('/summary')).then(function (summary) {
      if (load !== summaryLoads) {
        return;
      }
      $('summary-count').textContent = plural(summary.artifact_count, 'artifact');
      $('summary-bytes').textContent = humanSize(summary.total_bytes);
      $('summary-bytes').setAttribute('title', summary.total_bytes.toLocaleString('en') + ' bytes');
      var list = $('summary-depositors');
      list.replaceChildren();
      var select = $('depositor');
      var keep = state.depositor;
      select.replaceChildren(new Option('All depositors', ''));
      summary.by_depositor.forEach(function (depositor) {
        var item = document.createElement('li');
        item.appendChild(text('span', depositor.created_by, 'name'));
        item.appendChild(document.createTextNode(' ' + plural(depositor.artifact_count, 'artifact')
            + ', ' + humanSize(depositor.total_bytes)));
        list.appendChild(item);
        select.appendChild(new Option(depositor.created_by + ' (' + depositor.artifact_count + ')',
            depositor.created_by));
      });
      if (keep && !summary.by_depositor.some(function (d) { return d.created_by === keep; })) {
        select.appendChild(new Option(keep + ' (0)', keep));
      }
      select.value = keep;
    });
  }

  // ---- the table -------------------------------------------------------------------------------

  function loadPage() {
    var cursor = state.cursors[state.cursors.length - 1];
    var query = new URLSearchParams();
    query.set('limit', String(PAGE_SIZE));
    if (cursor) {
      query.set('cursor', cursor);
    }
    if (state.depositor) {
      query.set('created_by', state.depositor);
    }
    var load = ++pageLoads;
    return getJson(experimentUrl('/artifacts?' + query.toString())).then(function (page) {
      if (load !== pageLoads) {
        return;
      }
      renderRows(page.artifacts);
      state.nextCursor = page.next_cursor;
      var first = (state.cursors.length - 1) * PAGE_SIZE + 1;
      $('page-info').textContent = page.artifacts.length === 0
          ? 'Page ' + state.cursors.length
          : 'Page ' + state.cursors.length + ' \u00b7 rows ' + first + '\u2013' + (first + page.artifacts.length - 1);
      $('next').disabled = !state.nextCursor;
      $('previous').disabled = state.cursors.length < 2;
      $('newest').disabled = state.cursors.length < 2;
      $('empty').hidden = page.artifacts.length > 0;
    });
  }

  function renderRows(artifacts) {
    var body = $('rows');
    body.replaceChildren();
    artifacts.forEach(function (artifact) {
      var row = document.createElement('tr');
      row.setAttribute('data-uri', artifact.artifacts_uri);
      row.appendChild(text('td', artifact.filename, 'filename'));
      row.appendChild(text('td', artifact.created_by, 'mono'));
      var size = text('td', humanSize(artifact.size_bytes), 'num');
      size.setAttribute('title', artifact.size_bytes.toLocaleString('en') + ' bytes');
      row.appendChild(size);
      row.appendChild(text('td', artifact.content_type, 'type'));
      var time = text('td', shortTime(artifact.created_at), 'mono');
      time.setAttribute('title', artifact.created_at);
      row.appendChild(time);
      var sha = text('td', artifact.sha256.substring(0, 12), 'mono');
      sha.setAttribute('title', artifact.sha256);
      row.appendChild(sha);
      var actions = document.createElement('td');
      actions.className = 'actions';
      var copy = text('button', 'Copy URI', 'copy');
      copy.type = 'button';
      copy.addEventListener('click', function () {
        copyUri(artifact.artifacts_uri);
      });
      var download = text('button', 'Download', 'download');
      download.type = 'button';
      download.addEventListener('click', function () {
        downloadArtifact(artifact, download);
      });
      actions.appendChild(copy);
      actions.appendChild(download);
      row.appendChild(actions);
      body.appendChild(row);
    });
  }

  function copyUri(uri) {
    var box = $('copied-uri');
    box.value = uri;
    $('copy-box').hidden = false;
    box.focus();
    box.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(uri).then(function () {
        status('Copied ' + uri);
      }, function () {
        status('The URI is selected below: copy it with Ctrl+C.');
      });
    } else {
      status('The URI is selected below: copy it with Ctrl+C.');
    }
  }

  // Through the normal fetch endpoint, so the access policy and the safe-delivery headers apply. A
  // link cannot carry the Authorization header, so the bytes come through fetch() and leave the page
  // as an opaque octet-stream blob: never rendered in this origin, whatever type was recorded.
  function downloadArtifact(artifact, button) {
    button.disabled = true;
    status('Downloading ' + artifact.filename + ' \u2026');
    var url = '../v0/experiments/' + encodeURIComponent(state.experiment)
        + '/artifacts?uri=' + encodeURIComponent(artifact.artifacts_uri);
    return request(url, { 'X-Eden-Experiment-Id': state.experiment }).then(function (response) {
      return response.blob();
    }).then(function (blob) {
      var bytes = new Blob([blob], { type: 'application/octet-stream' });
      var href = URL.createObjectURL(bytes);
      var link = document.createElement('a');
      link.href = href;
      link.download = artifact.filename || 'artifact';
      link.hidden = true;
      document.body.appendChild(link);
      link.click();
      link.remove();
      setTimeout(function () {
        URL.revokeObjectURL(href);
      }, 60000);
      status('Downloaded ' + artifact.filename + ' (' + humanSize(bytes.size) + ')');
    }).catch(failed).finally(function () {
      button.disabled = false;
    });
  }

  // ---- plumbing --------------------------------------------------------------------------------

  function status(message) {
    $('status').textContent = message;
  }

  function failed(error) {
    if (error instanceof ApiError && error.status === 401) {
      showSignIn('The server no longer accepts this bearer (401). Sign in again.');
      return;
    }
    $('error').textContent = error && error.message ? error.message : String(error);
    $('error').hidden = false;
  }

  function reload() {
    state.cursors = [null];
    $('error').hidden = true;
    return Promise.all([loadSummary(), loadPage()]).catch(failed);
  }

  function turn(change) {
    $('error').hidden = true;
    change();
    return loadPage().catch(failed);
  }

  document.addEventListener('DOMContentLoaded', function () {
    $('sign-in-form').addEventListener('submit', function (event) {
      event.preventDefault();
      signIn($('bearer').value);
    });
    $('sign-out').addEventListener('click', function () {
      showSignIn('Signed out.');
    });
    $('experiment').addEventListener('change', function () {
      state.experiment = $('experiment').value;
      state.depositor = '';
      reload();
    });
    $('depositor').addEventListener('change', function () {
      state.depositor = $('depositor').value;
      turn(function () {
        state.cursors = [null];
      });
    });
    $('refresh').addEventListener('click', reload);
    $('next').addEventListener('click', function () {
      if (state.nextCursor) {
        var next = state.nextCursor;
        turn(function () {
          state.cursors.push(next);
        });
      }
    });
    $('previous').addEventListener('click', function () {
      turn(function () {
        if (state.cursors.length > 1) {
          state.cursors.pop();
        }
      });
    });
    $('newest').addEventListener('click', function () {
      turn(function () {
        state.cursors = [null];
      });
    });
    var kept = null;
    try {
      kept = sessionStorage.getItem(STORAGE_KEY);
    } catch (e) {
      kept = null;
    }
    if (kept) {
      signIn(kept);
    } else {
      $('bearer').focus();
    }
  });
}());
