/*
 * The course's JupyterLab extension: a "Check" button in the notebook toolbar (and "Check with the
 * course grader" in the Run menu) that saves the notebook, asks the server extension
 * `autograder.lab.server` to grade it exactly as `python3 course.py check` does, and shows the
 * feedback in a dialog.
 *
 * JupyterLab loads an extension as a webpack "module federation" container: a script that sets
 * window._JUPYTERLAB[<package name>] = { init(shareScope), get(module) }. This file is such a
 * container, written by hand so that the course needs no JavaScript build: `init` receives the
 * modules the application shares (its own @jupyterlab/apputils, @jupyterlab/services and
 * @lumino/widgets), and `get('./extension')` returns the plugin. Where the button and the menu
 * entry go is declared in ../schemas/rnncourse-lab/check.json.
 */
(function () {
  'use strict';

  const NAME = 'rnncourse-lab';
  const COMMAND = 'rnncourse:check';
  let shareScope = {};

  function newer(a, b) {
    const pa = a.split(/[.-]/).map(Number);
    const pb = b.split(/[.-]/).map(Number);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      if ((pa[i] || 0) !== (pb[i] || 0)) {
        return (pa[i] || 0) > (pb[i] || 0) ? a : b;
      }
    }
    return a;
  }

  // The application's copy of a shared package: the one already loaded, else the newest offered.
  async function shared(name) {
    const versions = shareScope[name] || {};
    const offered = Object.keys(versions);
    if (offered.length === 0) {
      throw new Error(`${NAME}: JupyterLab does not share ${name}`);
    }
    const version = offered.find(v => versions[v].loaded) || offered.reduce(newer);
    const factory = await versions[version].get();
    return factory();
  }

  function isNotebook(widget) {
    return !!(widget && widget.context && /\.ipynb$/.test(widget.context.path || ''));
  }

  function reportBox(text) {
    const box = document.createElement('pre');
    box.className = 'rnncourse-check-report';
    box.style.cssText = 'white-space: pre-wrap; max-height: 60vh; max-width: 80vw; overflow: auto; ' +
      'font-family: var(--jp-code-font-family); font-size: var(--jp-code-font-size); margin: 0;';
    box.textContent = text;
    return box;
  }

  async function check(app, apputils, services, widgets) {
    const panel = app.shell.currentWidget;
    const box = reportBox('');
    apputils.showDialog({
      title: 'Course check',
      body: new widgets.Widget({ node: box }),
      buttons: [apputils.Dialog.okButton({ label: 'Close' })]
    });
    if (!isNotebook(panel)) {
      box.textContent = 'Open one of your notebooks first: the check grades the notebook you are looking at.';
      return;
    }
    const path = panel.context.path;
    box.textContent = `Saving and grading ${path} (this runs every cell, as the grader does)...`;
    try {
      await panel.context.save();
      const settings = app.serviceManager.serverSettings;
      const reply = await services.ServerConnection.makeRequest(
        settings.baseUrl + 'rnncourse/check',
        { method: 'POST', body: JSON.stringify({ path }) },
        settings
      );
      const data = await reply.json();
      box.textContent = reply.ok ? data.report : `The check could not run: ${data.message || reply.statusText}`;
    } catch (error) {
      box.textContent = `The check could not run: ${error}`;
    }
    box.dataset.done = 'true';
  }

  function plugin(apputils, services, widgets) {
    return {
      id: `${NAME}:check`,
      description: 'Grade the open notebook with the course grader and show the feedback.',
      autoStart: true,
      activate(app) {
        app.commands.addCommand(COMMAND, {
          label: args => (args.toolbar ? 'Check' : 'Check with the course grader'),
          caption: 'Save this notebook, grade it as `python3 course.py check` does, and show the feedback',
          execute: () => check(app, apputils, services, widgets)
        });
      }
    };
  }

  window._JUPYTERLAB = window._JUPYTERLAB || {};
  window._JUPYTERLAB[NAME] = {
    init(scope) {
      shareScope = scope || {};
    },
    async get(module) {
      if (module !== './extension') {
        throw new Error(`${NAME} has no module ${module}`);
      }
      const [apputils, services, widgets] = await Promise.all(
        ['@jupyterlab/apputils', '@jupyterlab/services', '@lumino/widgets'].map(shared)
      );
      return () => ({ __esModule: true, default: [plugin(apputils, services, widgets)] });
    }
  };
})();
