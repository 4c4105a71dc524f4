"""A virtual student: speaks Streamlit's own websocket protocol, as the browser does.

The browser opens ``/_stcore/stream`` (subprotocol ``streamlit``) and sends a ``BackMsg`` with
``rerun_script``: the page (``page_name`` = its URL path), the query string and the state of every
widget it holds. The server answers with ``ForwardMsg``s: ``new_session``, the page's elements as
``delta``s (a slider's id and value among them, tagged with the fragment that drew it) and, when
the run is over, ``script_finished``. Moving a slider is another ``rerun_script`` with the new
value, scoped to the slider's fragment as the frontend does.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {
    ForwardMsg.FINISHED_SUCCESSFULLY,
    ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY,
}


@dataclass
class SliderState:
    id: str
    value: list[float]
    min: float
    max: float
    step: float
    fragment_id: str
    # A select_slider: its options as the frontend labels them. Its value is then an index,
    # and the browser sends the label (string_array_value), not a number.
    options: list[str] = field(default_factory=list)


@dataclass
class Student:
    ws_url: str
    page: str  # URL path of the lesson, "" for the bare page
    timeout: float = 30.0
    sliders: dict[str, SliderState] = field(default_factory=dict)
    page_script_hash: str = ""
    errors: list[str] = field(default_factory=list)
    deltas: int = 0  # elements and blocks the last run sent
    _ws: websockets.ClientConnection | None = None

    async def open(self) -> float:
        """Connect and run the page; seconds until its script finished."""
        self._ws = await websockets.connect(
            self.ws_url, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout
        )
        return await self._rerun(fragment_id="")

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    def first_slider(self) -> SliderState:
        """The first slider of the page's live part (a lesson's main control); rarely moved
        ones under "More settings" rerun the whole page and are not what a class moves."""
        live = [s for s in self.sliders.values() if s.fragment_id]
        return (live or list(self.sliders.values()))[0]

    async def move(self, slider: SliderState, direction: int) -> float:
        """One step of ``slider`` (bouncing off its ends); seconds until the run finished."""
        value = slider.value[0] + direction * slider.step
        if not slider.min <= value <= slider.max:
            value = slider.value[0] - direction * slider.step
        slider.value = [round(value, 10), *slider.value[1:]]
        return await self._rerun(fragment_id=slider.fragment_id)

    async def _rerun(self, fragment_id: str) -> float:
        msg = BackMsg()
        state = msg.rerun_script
        state.page_name = self.page
        state.page_script_hash = self.page_script_hash
        state.fragment_id = fragment_id
        state.context_info.locale = "en-US"
        state.context_info.timezone = "UTC"
        for slider in self.sliders.values():
            widget = state.widget_states.widgets.add()
            widget.id = slider.id
            if slider.options:
                widget.string_array_value.data.extend(slider.options[int(i)] for i in slider.value)
            else:
                widget.double_array_value.data.extend(slider.value)
        self.deltas = 0
        started = time.perf_counter()
        await self._ws.send(msg.SerializeToString())
        await asyncio.wait_for(self._until_finished(), self.timeout)
        return time.perf_counter() - started

    async def _until_finished(self) -> None:
        while True:
            fwd = ForwardMsg()
            fwd.ParseFromString(await self._ws.recv())
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                self.page_script_hash = fwd.new_session.page_script_hash
            elif kind == "page_info_changed" or kind == "navigation":
                if kind == "navigation" and fwd.navigation.page_script_hash:
                    self.page_script_hash = fwd.navigation.page_script_hash
            elif kind == "delta":
                self.deltas += 1
                self._read_delta(fwd.delta)
            elif kind == "script_finished":
                if fwd.script_finished in FINISHED:
                    return
                if fwd.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                    self.errors.append(f"script_finished={fwd.script_finished}")
                    return

    def _read_delta(self, delta) -> None:
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.errors.append(f"exception: {element.exception.message[:80]}")
        elif kind == "slider" and element.slider.id not in self.sliders:
            s = element.slider
            self.sliders[s.id] = SliderState(
                s.id, list(s.value or s.default), s.min, s.max, s.step, delta.fragment_id,
                list(s.options),
            )  # fmt: skip
