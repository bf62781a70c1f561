// home.js — the public home page: words only.
import './common.js';
