"""The floor every measurement is compared with: a bare Streamlit page, one slider, one line."""

import streamlit as st

value = st.slider("value", 0, 100, 50)
st.write(f"The slider is at {value}.")
